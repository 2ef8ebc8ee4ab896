package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Meshes read back as TensorBoard's mesh plugin documents them (plugins/mesh/summary_v2.py and
 * metadata.py): plugin name "mesh", tags {@code <name>_VERTEX|FACE|COLOR}, dtypes float32, int32
 * and uint8 of shape [1, n, 3], MeshPluginData of version 0 naming the mesh, the part and the
 * components bitmask (1 << content type of each part present), json_config "{}".
 */
class MeshTest {
  @TempDir
  Path dir;

  static final float[][] TETRA = {{1, 1, 1}, {-1, -1, 1}, {1, -1, -1}, {-1, 1, -1}};
  static final int[][] FACES = {{0, 2, 3}, {0, 3, 1}, {0, 1, 2}, {1, 3, 2}};
  static final int[][] COLORS = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};

  @Test
  void mesh_writesTheThreePartsAsTheMeshPluginDocuments() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.mesh("shape/tetra", TETRA, FACES, COLORS, 7);
    }
    Map<String, List<Read.Value>> byTag = Read.byTag(Read.onlyEventFile(dir));
    assertEquals(java.util.Set.of("shape/tetra_VERTEX", "shape/tetra_FACE", "shape/tetra_COLOR"), byTag.keySet());
    int all = 1 << MeshPluginData.VERTEX | 1 << MeshPluginData.FACE | 1 << MeshPluginData.COLOR;
    Object[][] want = {
        {"shape/tetra_VERTEX", MeshPluginData.VERTEX, DataType.DT_FLOAT, new double[] {1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1}},
        {"shape/tetra_FACE", MeshPluginData.FACE, DataType.DT_INT32, new double[] {0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2}},
        {"shape/tetra_COLOR", MeshPluginData.COLOR, DataType.DT_UINT8, new double[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255}},
    };
    for (Object[] row : want) {
      Read.Value v = byTag.get((String) row[0]).get(0);
      assertEquals(7, v.step());
      SummaryMetadata md = v.value().metadata();
      assertEquals(PluginNames.MESH, md.pluginName());
      assertEquals(SummaryMetadata.DATA_CLASS_TENSOR, md.dataClass());
      MeshPluginData m = MeshPluginData.parse(md.pluginData().content());
      assertEquals(new MeshPluginData(0, "shape/tetra", (int) row[1], "{}", new int[] {1, 4, 3}, all), m);
      TensorProto t = (TensorProto) v.value().value();
      assertEquals(row[2], t.dataType());
      assertEquals(TensorShape.of(1, 4, 3), t.shape());
      assertArrayEquals((double[]) row[3], t.toDoubleArray());
    }
  }

  @Test
  void mesh_pointCloud_hasOnlyVertices_andSaysSo() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.mesh("cloud", TETRA, null, null, 0);
    }
    Map<String, List<Read.Value>> byTag = Read.byTag(Read.onlyEventFile(dir));
    assertEquals(java.util.Set.of("cloud_VERTEX"), byTag.keySet());
    MeshPluginData m = MeshPluginData.parse(byTag.get("cloud_VERTEX").get(0).value().metadata().pluginData().content());
    assertEquals(1 << MeshPluginData.VERTEX, m.components());
  }

  @Test
  void mesh_badArguments_areRefusedBeforeAnythingIsLogged() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.mesh("m", TETRA, new int[][] {{0, 1, 4}}, null, 0));
      assertTrue(e.getMessage().contains("faces[0] must name vertices 0..3, names 4"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> w.mesh("m", new float[][] {{1, 2}}, null, null, 0));
      assertThrows(IllegalArgumentException.class, () -> w.mesh("m", TETRA, null, new int[][] {{0, 0, 0}}, 0));
      assertThrows(IllegalArgumentException.class, () -> w.mesh("m", TETRA, null,
          new int[][] {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 256}}, 0));
      assertThrows(IllegalArgumentException.class, () -> w.mesh("m", new float[0][], null, null, 0));
    }
    assertTrue(Read.byTag(Read.onlyEventFile(dir)).isEmpty());
  }
}
