package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code SummaryMetadata}: which plugin owns a tag, and how to show it.
 *
 * <pre>
 * message SummaryMetadata {
 *   message PluginData { string plugin_name = 1; bytes content = 2; }
 *   PluginData plugin_data = 1;  string display_name = 2;  string summary_description = 3;
 *   DataClass data_class = 4;   // UNKNOWN 0, SCALAR 1, TENSOR 2, BLOB_SEQUENCE 3
 * }
 * </pre>
 *
 * @param pluginData null when absent
 */
public record SummaryMetadata(PluginData pluginData, String displayName, String summaryDescription, int dataClass) {
  public static final int DATA_CLASS_UNKNOWN = 0;
  public static final int DATA_CLASS_SCALAR = 1;
  public static final int DATA_CLASS_TENSOR = 2;
  public static final int DATA_CLASS_BLOB_SEQUENCE = 3;

  public SummaryMetadata {
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(summaryDescription, "summaryDescription");
  }

  /** Metadata naming a plugin, with the plugin's serialized content and a data class. */
  public static SummaryMetadata forPlugin(String pluginName, byte[] content, int dataClass) {
    return new SummaryMetadata(new PluginData(pluginName, content), "", "", dataClass);
  }

  public SummaryMetadata withDisplay(String displayName, String description) {
    return new SummaryMetadata(pluginData, displayName, description, dataClass);
  }

  /** The plugin name, or "" when there is no plugin data. */
  public String pluginName() {
    return pluginData == null ? "" : pluginData.pluginName();
  }

  /** {@code SummaryMetadata.PluginData}. */
  public record PluginData(String pluginName, byte[] content) {
    public PluginData {
      Objects.requireNonNull(pluginName, "pluginName");
      Objects.requireNonNull(content, "content");
    }

    static PluginData decode(ProtoReader r) {
      String name = "";
      byte[] content = new byte[0];
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1:
            r.expect(t, ProtoReader.LEN, "plugin_name");
            name = r.readString();
            break;
          case 2:
            r.expect(t, ProtoReader.LEN, "content");
            content = r.readBytes();
            break;
          default:
            r.skipField(t);
        }
      }
      return new PluginData(name, content);
    }

    void encodeTo(ProtoWriter w) {
      w.writeStringField(1, pluginName);
      w.writeBytesField(2, content);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PluginData p && pluginName.equals(p.pluginName) && Arrays.equals(content, p.content);
    }

    @Override
    public int hashCode() {
      return pluginName.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "PluginData[" + pluginName + ", " + content.length + " bytes]";
    }
  }

  /** Reads one SummaryMetadata from its bytes (without a length prefix). */
  public static SummaryMetadata parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one SummaryMetadata from {@code length} bytes at {@code offset}. */
  public static SummaryMetadata parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static SummaryMetadata decode(ProtoReader r) {
    PluginData plugin = null;
    String display = "";
    String description = "";
    int dataClass = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1:
          r.expect(t, ProtoReader.LEN, "plugin_data");
          plugin = r.readMessage(PluginData::decode);
          break;
        case 2:
          r.expect(t, ProtoReader.LEN, "display_name");
          display = r.readString();
          break;
        case 3:
          r.expect(t, ProtoReader.LEN, "summary_description");
          description = r.readString();
          break;
        case 4:
          r.expect(t, ProtoReader.VARINT, "data_class");
          dataClass = r.readInt32();
          break;
        default:
          r.skipField(t);
      }
    }
    return new SummaryMetadata(plugin, display, description, dataClass);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    if (pluginData != null) {
      w.writeMessageField(1, pluginData::encodeTo);
    }
    w.writeStringField(2, displayName);
    w.writeStringField(3, summaryDescription);
    w.writeInt64Field(4, dataClass);
  }
}
