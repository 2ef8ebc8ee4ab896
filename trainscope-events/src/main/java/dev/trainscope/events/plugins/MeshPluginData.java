package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;

/**
 * The mesh plugin's metadata (TensorBoard's {@code plugins/mesh/plugin_data.proto}):
 *
 * <pre>
 * MeshPluginData {
 *   int32 version = 1;          // 0, the only version written
 *   string name = 2;            // the mesh the tensor belongs to
 *   ContentType content_type = 3;  // UNDEFINED = 0, VERTEX = 1, FACE = 2, COLOR = 3
 *   string json_config = 5;     // three.js settings as JSON ({"camera": {...}, "material": {...}})
 *   repeated int32 shape = 6;   // the tensor's shape, [batch, n, 3]
 *   int32 components = 7;       // bit (1 &lt;&lt; content_type) for each part the mesh has
 * }
 * </pre>
 *
 * A mesh is written as one tensor summary per part, each with this metadata: TensorFlow names the
 * tags {@code <name>_VERTEX}, {@code <name>_FACE}, {@code <name>_COLOR} (float32, int32, uint8),
 * tensorboardX {@code <name>_1}, {@code _2}, {@code _3} (all float32); readers group them by
 * {@code name}. A components of 0 (older writers) means all three, as TensorBoard reads it.
 */
public record MeshPluginData(int version, String name, int contentType, String jsonConfig, int[] shape,
    int components) implements ProtoWriter.Encodable {
  public static final int UNDEFINED = 0;
  public static final int VERTEX = 1;
  public static final int FACE = 2;
  public static final int COLOR = 3;
  /** The components bitmask of a mesh with vertices, faces and colours. */
  public static final int ALL_COMPONENTS = (1 << VERTEX) | (1 << FACE) | (1 << COLOR);

  public MeshPluginData {
    name = name == null ? "" : name;
    jsonConfig = jsonConfig == null ? "" : jsonConfig;
    shape = shape == null ? new int[0] : shape.clone();
  }

  public static MeshPluginData parse(byte[] content) {
    ProtoReader r = ProtoReader.of(content);
    int version = 0;
    String name = "";
    int type = UNDEFINED;
    String config = "";
    ProtoReader.LongList shape = new ProtoReader.LongList();
    int components = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "version"); version = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.LEN, "name"); name = r.readString(); break;
        case 3: r.expect(t, ProtoReader.VARINT, "content_type"); type = r.readInt32(); break;
        case 5: r.expect(t, ProtoReader.LEN, "json_config"); config = r.readString(); break;
        case 6: r.readVarints(t, shape); break;
        case 7: r.expect(t, ProtoReader.VARINT, "components"); components = r.readInt32(); break;
        default: r.skipField(t);
      }
    }
    return new MeshPluginData(version, name, type, config, shape.toIntArray(), components);
  }

  /** The parts the mesh has, as a bitmask of {@code 1 << content type}: all three when unset. */
  public int componentsOrAll() {
    return components == 0 ? ALL_COMPONENTS : components;
  }

  /** "VERTEX", "FACE", "COLOR" or "UNDEFINED" (also for a type this reader does not know). */
  public static String contentTypeName(int type) {
    switch (type) {
      case VERTEX: return "VERTEX";
      case FACE: return "FACE";
      case COLOR: return "COLOR";
      default: return "UNDEFINED";
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
    w.writeStringField(2, name);
    w.writeInt64Field(3, contentType);
    w.writeStringField(5, jsonConfig);
    long[] dims = new long[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape[i];
    }
    w.writePackedVarints(6, dims);
    w.writeInt64Field(7, components);
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeshPluginData m && m.version == version && m.name.equals(name) && m.contentType == contentType
        && m.jsonConfig.equals(jsonConfig) && Arrays.equals(m.shape, shape) && m.components == components;
  }

  @Override
  public int hashCode() {
    return ((name.hashCode() * 31 + contentType) * 31 + Arrays.hashCode(shape)) * 31 + components;
  }

  @Override
  public String toString() {
    return "MeshPluginData[version=" + version + ", name=" + name + ", contentType=" + contentTypeName(contentType)
        + ", jsonConfig=" + jsonConfig + ", shape=" + Arrays.toString(shape) + ", components=" + components + "]";
  }
}
