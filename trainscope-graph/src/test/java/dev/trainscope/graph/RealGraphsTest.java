package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every GraphDef and MetaGraphDef in the real event files of ../shared/data/tfevents (TF1, Keras on
 * TF1 and TF2, tensorboardX, torch), against the manifests TensorBoard's loader wrote: node counts
 * and first nodes equal, every input an edge, scopes nested as the names say, and a layout of the
 * default view that puts every box inside its scope.
 */
class RealGraphsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path shared() {
    Path p = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/tfevents");
    return Files.isDirectory(p) ? p : null;
  }

  /** The graph_def / meta_graph_def payloads of an event file, in file order. */
  static List<Event> graphEvents(Path file) throws IOException {
    List<Event> out = new ArrayList<>();
    RecordScanner.create().scan(file, ScanPosition.START, (off, buf, at, len) -> {
      Event e = Event.parse(buf, at, len);
      if (e.what() instanceof Event.GraphDef || e.what() instanceof Event.MetaGraphDef) {
        out.add(e);
      }
    }, p -> {});
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyGraphInTheSharedFiles() throws IOException {
    Path root = shared();
    assumeTrue(root != null, "skipped: ../shared/data/tfevents is absent");
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList()) {
        Path manifest = f.resolveSibling(f.getFileName().toString().replace("tfevents", "tfmanifest") + ".json");
        if (!Files.exists(manifest)) {
          continue;
        }
        JsonNode raw = JSON.readTree(manifest.toFile()).path("raw");
        if (raw.path("graph_defs").size() == 0 && raw.path("meta_graph_defs").size() == 0) {
          continue;
        }
        tests.add(DynamicTest.dynamicTest(root.relativize(f).toString(), () -> check(f, raw)));
      }
    }
    assertTrue(tests.size() >= 30, "graphs found: " + tests.size());
    return tests.stream();
  }

  private static void check(Path file, JsonNode raw) throws IOException {
    List<Event> events = graphEvents(file);
    int g = 0;
    int m = 0;
    for (Event e : events) {
      if (e.what() instanceof Event.GraphDef gd) {
        JsonNode want = raw.path("graph_defs").get(g++);
        GraphDefProto proto = GraphDefProto.parse(gd.bytes());
        ModelGraph graph = TfGraphs.read(gd.bytes());
        assertEquals(want.path("num_nodes").asInt(), graph.nodes().size(), "nodes");
        JsonNode first = want.path("first_nodes");
        for (int i = 0; i < first.size(); i++) {
          assertEquals(first.get(i).get(0).asText(), graph.node(i).name(), "node " + i);
          assertEquals(first.get(i).get(1).asText(), graph.node(i).op(), "op " + i);
        }
        if (want.has("versions_producer")) {
          assertEquals(want.path("versions_producer").asText(), graph.info().getOrDefault("producer", "0"));
        }
        checkEdgesAndScopes(proto, graph);
      } else {
        JsonNode want = raw.path("meta_graph_defs").get(m++);
        ModelGraph graph = TfGraphs.readMeta(((Event.MetaGraphDef) e.what()).bytes());
        assertEquals(want.path("num_nodes").asInt(), graph.nodes().size(), "meta-graph nodes");
        assertEquals(want.path("tensorflow_version").asText(), graph.info().getOrDefault("tensorflow_version", ""));
      }
    }
    assertEquals(raw.path("graph_defs").size(), g, "graph_def events");
    assertEquals(raw.path("meta_graph_defs").size(), m, "meta_graph_def events");
  }

  /** Every input of every NodeDef is one edge, unless it names a node the graph lacks (then counted). */
  static void checkEdgesAndScopes(GraphDefProto proto, ModelGraph graph) {
    int inputs = 0;
    int control = 0;
    for (NodeDef n : proto.nodes()) {
      inputs += n.inputs().size();
      for (String in : n.inputs()) {
        control += in.startsWith("^") ? 1 : 0;
      }
    }
    int unresolved = Integer.parseInt(graph.info().getOrDefault("unresolved_inputs", "0"));
    assertEquals(inputs, graph.edges().size() + unresolved, "edges + unresolved inputs");
    long controlEdges = graph.edges().stream().filter(ModelGraph.Edge::control).count();
    assertTrue(controlEdges <= control && controlEdges >= control - unresolved, "control edges");
    ScopeTree tree = ScopeTree.of(graph);
    assertEquals(graph.nodes().size(), tree.root().opCount());
    for (int i = 0; i < graph.nodes().size(); i++) {
      String name = graph.node(i).name();
      String scope = tree.groupOf(i).path();
      assertTrue(scope.isEmpty() || name.equals(scope) || name.startsWith(scope + "/"), name + " in " + scope);
      // its scope is the longest proper prefix that is a scope (or its own name when that is a scope)
      for (ScopeTree.Group up = tree.groupOf(i).parent(); up != null && !up.isRoot(); up = up.parent()) {
        assertTrue(name.startsWith(up.path() + "/"), name + " under " + up.path());
      }
    }
    GraphLayout.Layout layout = GraphLayout.layout(tree, GraphLayout.defaultExpanded(tree));
    LayoutChecks.boxesInsideTheirScopes(layout);
    GraphLayoutTest.endsTouchTheirBoxes(layout);
  }
}
