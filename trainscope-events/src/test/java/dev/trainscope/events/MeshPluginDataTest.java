package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mesh plugin's metadata, read from the tetrahedron tensorboardX 2.6.5 wrote with {@code
 * add_mesh} (testdata's gen-tensorboardX/custom_scalars_mesh) and compared with what TensorBoard's
 * own loader decoded into the file's manifest; and written back byte for byte.
 */
class MeshPluginDataTest {

  /** The mesh tags of the file: tag -> (metadata, tensor). */
  static Map<String, Object[]> meshValues() throws Exception {
    Path file = TestData.repoTfevents().resolve("gen-tensorboardX/custom_scalars_mesh/events.out.tfevents.1795718564.vm");
    Map<String, Object[]> out = new LinkedHashMap<>();
    RecordScanner.create().scan(file, ScanPosition.START, (off, buf, at, len) -> {
      if (Event.parse(buf, at, len).what() instanceof Summary s) {
        for (SummaryValue v : s.values()) {
          if (v.metadata() != null && PluginNames.MESH.equals(v.metadata().pluginName())) {
            out.put(v.tag(), new Object[] {MeshPluginData.parse(v.metadata().pluginData().content()), v.value()});
          }
        }
      }
    }, p -> {});
    return out;
  }

  @Test
  void parse_tensorboardXTetrahedron_matchesTensorBoardsDecoding() throws Exception {
    Map<String, Object[]> values = meshValues();
    assertEquals(java.util.List.of("mesh/tetrahedron_1", "mesh/tetrahedron_2", "mesh/tetrahedron_3"),
        java.util.List.copyOf(values.keySet()));
    int type = MeshPluginData.VERTEX;
    for (Object[] v : values.values()) {
      MeshPluginData m = (MeshPluginData) v[0];
      // the manifest: name mesh/tetrahedron, json_config "null", shape [1, 4, 3], version 0, components 0
      assertEquals("mesh/tetrahedron", m.name());
      assertEquals(type++, m.contentType());
      assertEquals("null", m.jsonConfig());
      assertArrayEquals(new int[] {1, 4, 3}, m.shape());
      assertEquals(0, m.version());
      assertEquals(0, m.components());
      assertEquals(MeshPluginData.ALL_COMPONENTS, m.componentsOrAll(), "0 means all three, as TensorBoard reads it");
      TensorProto t = (TensorProto) v[1];
      assertEquals(12, t.numElements());
    }
    double[] vertices = ((TensorProto) values.get("mesh/tetrahedron_1")[1]).toDoubleArray();
    assertArrayEquals(new double[] {1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1}, vertices);
    double[] faces = ((TensorProto) values.get("mesh/tetrahedron_2")[1]).toDoubleArray();
    assertArrayEquals(new double[] {0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2}, faces);
  }

  @Test
  void encode_givesTheBytesTensorboardXWrote() {
    // the manifest's hex of the FACE part's plugin content
    byte[] written = HexFormat.of().parseHex("12106d6573682f7465747261686564726f6e18022a046e756c6c3203010403");
    MeshPluginData m = MeshPluginData.parse(written);
    assertEquals(MeshPluginData.FACE, m.contentType());
    assertArrayEquals(written, m.toByteArray());
    MeshPluginData full = new MeshPluginData(0, "cloud", MeshPluginData.COLOR, "{\"camera\":{\"fov\":60}}",
        new int[] {2, 100, 3}, 1 << MeshPluginData.VERTEX | 1 << MeshPluginData.COLOR);
    assertEquals(full, MeshPluginData.parse(full.toByteArray()));
  }
}
