package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TfGraphsTest {

  static byte[] sample() {
    Map<String, AttrValue> var = new LinkedHashMap<>();
    var.put("shape", new AttrValue.Shape(TensorShape.of(3, 4)));
    var.put("_output_shapes", AttrValue.shapes(List.of(TensorShape.of(3, 4))));
    Map<String, AttrValue> split = new LinkedHashMap<>();
    split.put("_output_shapes", AttrValue.shapes(List.of(TensorShape.of(-1, 2), TensorShape.of(-1, 2))));
    split.put("num_split", new AttrValue.Int(2));
    return new GraphDefProto(List.of(
        new NodeDef("w", "VariableV2", List.of(), "/device:CPU:0", var),
        new NodeDef("layer/split", "Split", List.of("w"), "", split),
        new NodeDef("layer/add", "Add", List.of("layer/split:1", "layer/split", "^w", "missing:0"), "", Map.of())),
        27, List.of()).toByteArray();
  }

  @Test
  void inputsBecomeEdgesWithOutputIndexesShapesAndControl() {
    ModelGraph g = TfGraphs.read(sample());
    assertEquals(ModelGraph.Format.TF_GRAPHDEF, g.format());
    assertEquals(3, g.nodes().size());
    assertEquals(12, g.node(0).params(), "a variable holds its shape's elements");
    assertEquals("/device:CPU:0", g.node(0).device());
    assertEquals(List.of("[?, 2]", "[?, 2]"), g.node(1).outputShapes());
    assertEquals("2", g.node(1).attrs().get("num_split"));
    assertTrue(!g.node(1).attrs().containsKey("_output_shapes"), "shapes go on edges, not in the attribute list");
    List<ModelGraph.Edge> e = g.edges();
    assertEquals(4, e.size());
    assertEquals(new ModelGraph.Edge(0, 1, 0, "[3, 4]", false), e.get(0));
    assertEquals(new ModelGraph.Edge(1, 2, 1, "[?, 2]", false), e.get(1));
    assertEquals(new ModelGraph.Edge(1, 2, 0, "[?, 2]", false), e.get(2));
    assertEquals(new ModelGraph.Edge(0, 2, 0, "", true), e.get(3));
    assertEquals("1", g.info().get("unresolved_inputs"), "missing:0 names no node");
    assertEquals("27", g.info().get("producer"));
  }

  @Test
  void badBytesSayWhy() {
    byte[] good = sample();
    for (int cut = 1; cut < good.length; cut += 7) {
      byte[] part = java.util.Arrays.copyOf(good, cut);
      try {
        TfGraphs.read(part);
      } catch (BadGraphException expected) {
        assertTrue(expected.getMessage().startsWith("not a GraphDef"), expected.getMessage());
      }
    }
    assertThrows(BadGraphException.class, () -> TfGraphs.read(new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}));
    assertThrows(BadGraphException.class, () -> TfGraphs.readMeta(new byte[] {0x12, 0x05, 0x0a}));
  }

  /** Whatever the bytes, a graph or a BadGraphException: never another exception. */
  @Property(tries = 2000)
  void anyBytesGiveAGraphOrABadGraphException(@ForAll byte[] bytes) {
    for (boolean meta : new boolean[] {false, true}) {
      try {
        ModelGraph g = meta ? TfGraphs.readMeta(bytes) : TfGraphs.read(bytes);
        GraphLayout.layout(ScopeTree.of(g), List.of());
      } catch (BadGraphException expected) {
        // fine
      }
    }
  }
}
