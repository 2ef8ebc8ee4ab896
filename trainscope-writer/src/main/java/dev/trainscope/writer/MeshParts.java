package dev.trainscope.writer;

import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A mesh as TensorFlow's mesh plugin writes it ({@code tensorboard.plugins.mesh.summary_v2.mesh}):
 * one tensor summary per part, tagged {@code <name>_VERTEX} (float32), {@code <name>_FACE} (int32)
 * and {@code <name>_COLOR} (uint8), each of shape [1, n, 3] with a {@link MeshPluginData} naming the
 * mesh, its part and the parts the mesh has, and {@code json_config} "{}".
 */
final class MeshParts {
  private MeshParts() {}

  /** One tag's value. */
  record Part(String tag, TensorProto tensor, SummaryMetadata metadata) {}

  /** The parts of a mesh, every argument checked first. */
  static List<Part> of(String name, float[][] vertices, int[][] faces, int[][] colors) {
    Require.tag(name, "name");
    Require.nonNull(vertices, "vertices");
    if (vertices.length == 0) {
      throw new IllegalArgumentException("vertices must not be empty");
    }
    int n = vertices.length;
    ByteBuffer v = ByteBuffer.allocate(12 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      requireTriple(vertices[i], "vertices", i);
      for (float x : vertices[i]) {
        v.putFloat(x);
      }
    }
    ByteBuffer f = null;
    if (faces != null) {
      f = ByteBuffer.allocate(12 * faces.length).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < faces.length; i++) {
        requireTriple(faces[i], "faces", i);
        for (int k : faces[i]) {
          if (k < 0 || k >= n) {
            throw new IllegalArgumentException("faces[" + i + "] must name vertices 0.." + (n - 1) + ", names " + k);
          }
          f.putInt(k);
        }
      }
    }
    byte[] c = null;
    if (colors != null) {
      if (colors.length != n) {
        throw new IllegalArgumentException("colors must hold one colour per vertex (" + n + "), holds " + colors.length);
      }
      c = new byte[3 * n];
      for (int i = 0; i < n; i++) {
        requireTriple(colors[i], "colors", i);
        for (int k = 0; k < 3; k++) {
          int x = colors[i][k];
          if (x < 0 || x > 255) {
            throw new IllegalArgumentException("colors[" + i + "] must be in 0..255, was " + x);
          }
          c[3 * i + k] = (byte) x;
        }
      }
    }
    int components = 1 << MeshPluginData.VERTEX | (f == null ? 0 : 1 << MeshPluginData.FACE)
        | (c == null ? 0 : 1 << MeshPluginData.COLOR);
    List<Part> out = new ArrayList<>(3);
    out.add(part(name, MeshPluginData.VERTEX, DataType.DT_FLOAT, n, v.array(), components));
    if (f != null) {
      out.add(part(name, MeshPluginData.FACE, DataType.DT_INT32, faces.length, f.array(), components));
    }
    if (c != null) {
      out.add(part(name, MeshPluginData.COLOR, DataType.DT_UINT8, n, c, components));
    }
    return out;
  }

  private static Part part(String name, int type, DataType dtype, int rows, byte[] content, int components) {
    int[] shape = {1, rows, 3};
    byte[] data = new MeshPluginData(0, name, type, "{}", shape, components).toByteArray();
    return new Part(name + "_" + MeshPluginData.contentTypeName(type),
        TensorProto.ofContent(dtype, TensorShape.of(1, rows, 3), content),
        SummaryMetadata.forPlugin(PluginNames.MESH, data, SummaryMetadata.DATA_CLASS_TENSOR));
  }

  private static void requireTriple(Object row, String name, int i) {
    int len = row instanceof float[] a ? a.length : row instanceof int[] a ? a.length : -1;
    if (len != 3) {
      throw new IllegalArgumentException(name + "[" + i + "] must hold 3 values, "
          + (row == null ? "was null" : "holds " + len));
    }
  }
}
