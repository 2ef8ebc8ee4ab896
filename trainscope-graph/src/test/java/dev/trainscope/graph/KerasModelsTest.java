package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KerasModelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The Keras model configs the TF2 callback wrote into ../shared's event files. */
  @Test
  void everyKerasModelInTheSharedFiles() throws Exception {
    Path root = RealGraphsTest.shared();
    assumeTrue(root != null, "skipped: ../shared/data/tfevents is absent");
    List<String> configs = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList()) {
        RecordScanner.create().scan(f, ScanPosition.START, (off, buf, at, len) -> {
          Event e = Event.parse(buf, at, len);
          if (e.what() instanceof Summary sum) {
            for (SummaryValue v : sum.values()) {
              if (v.tag().equals("keras") && v.value() instanceof TensorProto t) {
                configs.add(t.utf8Strings().get(0));
              }
            }
          }
        }, p -> {});
      }
    }
    assertEquals(7, configs.size(), "Keras model configs in ../shared");
    for (String json : configs) {
      JsonNode layers = JSON.readTree(json).path("config").path("layers");
      ModelGraph g = KerasModels.read(json);
      assertEquals(layers.size(), g.nodes().size(), "one node per layer");
      assertEquals(layers.size() - 1, g.edges().size(), "a Sequential model is a chain");
      String model = JSON.readTree(json).path("config").path("name").asText();
      for (int i = 0; i < layers.size(); i++) {
        assertEquals(model + "/" + layers.get(i).path("config").path("name").asText(), g.node(i).name());
        assertEquals(layers.get(i).path("class_name").asText(), g.node(i).op());
        if (i > 0) {
          assertEquals(i - 1, g.edges().get(i - 1).from());
          assertEquals(i, g.edges().get(i - 1).to());
        }
      }
      layers.get(0).path("config").fields().forEachRemaining(e -> {
        if (e.getValue().isValueNode()) {
          assertEquals(e.getValue().asText(), g.node(0).attrs().get(e.getKey()), "setting " + e.getKey());
        }
      });
    }
  }

  static final String KERAS2_FUNCTIONAL = """
      {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1], "name": "image"},
         "name": "image", "inbound_nodes": []},
        {"class_name": "Conv2D", "config": {"name": "conv", "filters": 8, "kernel_size": [3, 3]},
         "name": "conv", "inbound_nodes": [[["image", 0, 0, {}]]]},
        {"class_name": "Sequential", "config": {"name": "head", "layers": [
            {"class_name": "Flatten", "config": {"name": "flat"}},
            {"class_name": "Dense", "config": {"name": "fc", "units": 10}}]},
         "name": "head", "inbound_nodes": [[["conv", 0, 0, {}]]]},
        {"class_name": "Dense", "config": {"name": "aux", "units": 1}, "name": "aux",
         "inbound_nodes": [[["conv", 0, 0, {}]]]},
        {"class_name": "Add", "config": {"name": "sum"}, "name": "sum",
         "inbound_nodes": [[["head", 0, 0, {}], ["aux", 0, 0, {}]]]}],
        "input_layers": [["image", 0, 0]], "output_layers": [["sum", 0, 0]]},
       "keras_version": "2.13.1", "backend": "tensorflow"}
      """;

  @Test
  void functionalKeras2WithANestedModel() {
    ModelGraph g = KerasModels.read(KERAS2_FUNCTIONAL);
    assertEquals(List.of("model/image", "model/conv", "model/head/flat", "model/head/fc", "model/aux", "model/sum"),
        g.nodes().stream().map(ModelGraph.Node::name).toList());
    assertEquals(Set.of("model/image>model/conv", "model/head/flat>model/head/fc", "model/conv>model/head/flat",
        "model/conv>model/aux", "model/head/fc>model/sum", "model/aux>model/sum"), edges(g));
    assertEquals("[?, 28, 28, 1]", g.node(0).outputShape(0));
    assertEquals("2.13.1", g.info().get("keras_version"));
    ScopeTree t = ScopeTree.of(g);
    assertEquals(2, t.group("model/head", true).opCount());
    assertEquals(6, t.group("model", true).opCount());
    assertEquals("8", g.node(1).attrs().get("filters"));
    assertEquals("[3,3]", g.node(1).attrs().get("kernel_size"));
  }

  @Test
  void functionalKeras3TensorsCarryShapes() {
    String json = """
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "x"}, "name": "x",
           "inbound_nodes": []},
          {"class_name": "Dense", "config": {"name": "d"}, "name": "d", "inbound_nodes": [{"args": [
            {"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32",
             "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
          {"class_name": "Concatenate", "config": {"name": "c"}, "name": "c", "inbound_nodes": [{"args": [[
            {"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "keras_history": ["d", 0, 0]}},
            {"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "keras_history": ["x", 0, 0]}}]],
            "kwargs": {"axis": -1}}]}],
          "input_layers": ["x", 0, 0], "output_layers": ["c", 0, 0]}}
        """;
    ModelGraph g = KerasModels.read(json);
    assertEquals(Set.of("m/x>m/d", "m/d>m/c", "m/x>m/c"), edges(g));
    assertEquals(Set.of("[?, 4]", "[?, 8]"), g.edges().stream().map(ModelGraph.Edge::shape).collect(Collectors.toSet()));
  }

  @Test
  void badConfigsSayWhy() {
    assertTrue(assertThrows(BadGraphException.class, () -> KerasModels.read("{\"class_name\": \"Seq"))
        .getMessage().startsWith("not a Keras model config"));
    assertThrows(BadGraphException.class, () -> KerasModels.read("[]"));
    assertThrows(BadGraphException.class, () -> KerasModels.read("{\"config\": {\"name\": \"x\"}}"));
  }

  /** Whatever the text, the reader returns a graph or says it is not a Keras config: nothing else. */
  @Property(tries = 300)
  void anyTextGivesAGraphOrABadGraphException(@ForAll String text) {
    for (String s : List.of(text, KERAS2_FUNCTIONAL.substring(0, Math.min(text.length(), KERAS2_FUNCTIONAL.length())))) {
      try {
        KerasModels.read(s);
      } catch (BadGraphException expected) {
        // fine
      }
    }
  }

  static Set<String> edges(ModelGraph g) {
    return g.edges().stream().map(e -> g.node(e.from()).name() + ">" + g.node(e.to()).name())
        .collect(Collectors.toSet());
  }
}
