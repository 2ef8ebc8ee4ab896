package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphTest {
  @TempDir
  Path dir;

  /** input -> scope/conv -> scope/relu -> output, with shapes, counts and text attributes. */
  static GraphDefProto smallGraph() {
    Map<String, AttrValue> input = new LinkedHashMap<>();
    input.put("_output_shapes", AttrValue.shapes(List.of(TensorShape.of(-1, 1, 28, 28))));
    Map<String, AttrValue> conv = new LinkedHashMap<>();
    conv.put("_output_shapes", AttrValue.shapes(List.of(TensorShape.of(-1, 16, 28, 28))));
    conv.put("param_count", new AttrValue.Int(416));
    conv.put("layer", AttrValue.str("conv2d_1"));
    conv.put("param:weight", AttrValue.str("[16, 1, 5, 5]"));
    return new GraphDefProto(List.of(
        new NodeDef("input", "Placeholder", List.of(), "", input),
        new NodeDef("net/conv2d_1", "Conv2d", List.of("input"), "", conv),
        new NodeDef("net/relu_1", "LambdaBlock", List.of("net/conv2d_1"), "", Map.of()),
        new NodeDef("output", "Identity", List.of("net/relu_1"), "", Map.of())), 0, List.of());
  }

  private static List<Event> graphEvents(Path file) {
    List<Event> out = new ArrayList<>();
    for (Event e : Read.events(file)) {
      if (e.what() instanceof Event.GraphDef) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void graph_readBack_isOneEventAtStep0HoldingTheEncodedGraph() {
    GraphDefProto g = smallGraph();
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000));
    try (SummaryWriter w = SummaryWriter.builder(dir).clock(clock).build()) {
      w.scalar("loss", 1.5, 3);
      w.graph(g);
      w.scalar("loss", 1.25, 4);
    }
    List<Event> all = Read.events(Read.onlyEventFile(dir));
    assertEquals(4, all.size(), "file version, scalar, graph, scalar");
    assertInstanceOf(Event.GraphDef.class, all.get(2).what(), "in the order logged");
    Event e = all.get(2);
    assertEquals(0, e.step());
    assertEquals(1_700_000_000.25, e.wallTime());
    assertNull(e.summary());
    byte[] bytes = ((Event.GraphDef) e.what()).bytes();
    assertArrayEquals(g.toByteArray(), bytes);
    GraphDefProto back = GraphDefProto.parse(bytes);
    assertEquals(g.nodes().size(), back.nodes().size());
    for (int i = 0; i < g.nodes().size(); i++) {
      NodeDef a = g.nodes().get(i);
      NodeDef b = back.nodes().get(i);
      assertEquals(a.name(), b.name());
      assertEquals(a.op(), b.op());
      assertEquals(a.inputs(), b.inputs());
      assertEquals(a.attrs().keySet(), b.attrs().keySet(), a.name());
      for (String k : a.attrs().keySet()) {
        assertEquals(a.attrs().get(k).display(), b.attrs().get(k).display(), a.name() + " " + k);
      }
    }
    NodeDef conv = back.nodes().get(1);
    assertEquals(new AttrValue.Int(416), conv.attrs().get("param_count"));
    assertEquals("conv2d_1", ((AttrValue.Str) conv.attrs().get("layer")).utf8());
    AttrValue.ListOf shapes = (AttrValue.ListOf) conv.attrs().get("_output_shapes");
    assertEquals(TensorShape.of(-1, 16, 28, 28), ((AttrValue.Shape) shapes.values().get(0)).shape());
    assertEquals(2, Read.values(Read.onlyEventFile(dir), "loss").size(), "scalars around it unharmed");
  }

  @Test
  void graph_withWallTime_andAnEmptyGraph_areWrittenAsGiven() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.graph(smallGraph(), 42.5);
      w.graph(new GraphDefProto(List.of(), 0, List.of()), 43.0);
    }
    List<Event> graphs = graphEvents(Read.onlyEventFile(dir));
    assertEquals(2, graphs.size());
    assertEquals(42.5, graphs.get(0).wallTime());
    assertEquals(4, GraphDefProto.parse(((Event.GraphDef) graphs.get(0).what()).bytes()).nodes().size());
    assertEquals(43.0, graphs.get(1).wallTime());
    assertEquals(0, ((Event.GraphDef) graphs.get(1).what()).bytes().length);
  }

  @Test
  void graph_ofManyNodes_largerThanTheFirstBuffer_isWhole() {
    List<NodeDef> nodes = new ArrayList<>();
    String doc = "x".repeat(200);
    for (int i = 0; i < 5000; i++) {
      List<String> in = i == 0 ? List.of() : List.of(nodes.get(i - 1).name());
      nodes.add(new NodeDef("block_" + (i / 100) + "/node_" + i, "Op", in, "", Map.of("doc", AttrValue.str(doc))));
    }
    GraphDefProto g = new GraphDefProto(nodes, 22, List.of());
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.graph(g);
    }
    byte[] bytes = ((Event.GraphDef) graphEvents(Read.onlyEventFile(dir)).get(0).what()).bytes();
    assertTrue(bytes.length > 1_000_000, "past the writer's 1 MiB write threshold: " + bytes.length);
    GraphDefProto back = GraphDefProto.parse(bytes);
    assertEquals(5000, back.nodes().size());
    assertEquals(22, back.producer());
    assertEquals("block_49/node_4999", back.nodes().get(4999).name());
    assertEquals(List.of("block_49/node_4998"), back.nodes().get(4999).inputs());
    assertEquals(doc, ((AttrValue.Str) back.nodes().get(4999).attrs().get("doc")).utf8());
  }

  @Test
  void graph_badArguments_throwAndLogNothing() {
    NodeDef a = new NodeDef("a", "Op", List.of(), "", Map.of());
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.graph(null));
      assertEquals("graph must not be null", e.getMessage());
      NodeDef unnamed = new NodeDef("", "Const", List.of(), "", Map.of());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.graph(new GraphDefProto(List.of(a, unnamed), 0, List.of())));
      assertEquals("graph.nodes[1].name must not be empty, was \"\" (op 'Const')", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.graph(new GraphDefProto(List.of(a, a), 0, List.of())));
      assertEquals("graph.nodes[1].name must be unique, 'a' names an earlier node too", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.graph(smallGraph(), Double.NaN));
      assertEquals("wallTimeSeconds must be finite, was NaN", e.getMessage());
    }
    assertEquals(1, Read.events(Read.onlyEventFile(dir)).size(), "only the file version");
  }

  @Test
  void graph_afterClose_throwsIllegalState() {
    SummaryWriter w = SummaryWriter.create(dir);
    w.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.graph(smallGraph()));
    assertEquals("SummaryWriter for " + dir + " is closed; the graph was not logged", e.getMessage());
  }

  @Test
  void graph_utf8NodeNames_roundTrip() {
    NodeDef n = new NodeDef("模型/层_1", "Op", List.of(), "", Map.of("note", AttrValue.str("ü")));
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.graph(new GraphDefProto(List.of(n), 0, List.of()));
    }
    Event e = graphEvents(Read.onlyEventFile(dir)).get(0);
    GraphDefProto back = GraphDefProto.parse(((Event.GraphDef) e.what()).bytes());
    assertEquals("模型/层_1", back.nodes().get(0).name());
    assertArrayEquals("ü".getBytes(StandardCharsets.UTF_8),
        ((AttrValue.Str) back.nodes().get(0).attrs().get("note")).bytes());
  }
}
