package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The run view of each source folder of real event files matches TensorBoard's own
 * (EventMultiplexer.AddRunsFromDirectory, recorded in RUNS.tfdata.json): the runs, their files in
 * order, graphs, the tags per plugin after TensorBoard's conversion of old-style values, and per
 * tag the number of values (ours plus what restarts replaced) and the first and last step.
 */
class RunViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path repoTfevents() {
    return Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");
  }

  static Path sharedTfevents() {
    Path p = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/tfevents");
    return Files.isDirectory(p) ? p : null;
  }

  static List<Path> sources(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.exists(p.resolve("RUNS.tfdata.json"))).sorted().collect(Collectors.toList());
    }
  }

  @TestFactory
  Stream<DynamicTest> repositorySources_matchTensorBoardRunView() throws IOException {
    List<Path> sources = sources(repoTfevents());
    assertEquals(6, sources.size());
    return sources.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> check(s)));
  }

  @TestFactory
  Stream<DynamicTest> sharedSources_matchTensorBoardRunView() throws IOException {
    Path shared = sharedTfevents();
    Assumptions.assumeTrue(shared != null, "SKIPPED: ../shared/data/tfevents is absent; only testdata/ was checked");
    List<Path> sources = sources(shared);
    assertEquals(12, sources.size());
    return sources.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> check(s)));
  }

  static void check(Path source) throws Exception {
    JsonNode expected = JSON.readTree(source.resolve("RUNS.tfdata.json").toFile()).get("runs");
    try (RunStore store = RunStore.builder().logdir(source).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      List<String> names = new ArrayList<>();
      expected.fieldNames().forEachRemaining(names::add);
      assertEquals(new TreeSet<>(names), new TreeSet<>(store.runs().stream().map(RunInfo::name).toList()), "runs");
      for (String run : names) {
        JsonNode e = expected.get(run);
        RunInfo info = store.run(run);
        String where = source.getFileName() + " run " + run;
        List<String> files = new ArrayList<>();
        e.get("event_files").forEach(f -> files.add(f.asText()));
        assertEquals(files, info.files(), where + " files");
        assertEquals(e.get("has_graph").asBoolean(), info.hasGraph(), where + " has_graph");
        assertEquals(e.get("has_meta_graph").asBoolean(), info.hasMetaGraph(), where + " has_meta_graph");
        assertTrue(info.loaded(), where + " loaded");

        Map<String, TreeSet<String>> plugins = new TreeMap<>();
        for (TagInfo t : store.tags(run)) {
          if (t.kind() == TagKind.EMBEDDING) {
            continue; // TensorBoard lists the projector's embeddings by their own plugin's API, not in the run view
          }
          plugins.computeIfAbsent(t.plugin(), k -> new TreeSet<>()).add(t.tag());
        }
        Map<String, TreeSet<String>> expectedPlugins = new TreeMap<>();
        e.get("plugins").properties().forEach(p -> {
          TreeSet<String> tags = new TreeSet<>();
          p.getValue().forEach(t -> tags.add(t.asText()));
          expectedPlugins.put(p.getKey(), tags);
        });
        assertEquals(expectedPlugins, plugins, where + " tags per plugin");

        for (Map.Entry<String, JsonNode> c : e.get("tensor_counts").properties()) {
          TagInfo t = store.tag(run, c.getKey());
          assertEquals(c.getValue().asLong(), t.count() + t.droppedByRestart() + t.rewrittenAtStep(), where + " tag " + c.getKey() + " count");
          JsonNode fl = e.get("first_last_step").get(c.getKey());
          assertEquals(fl.get(0).asLong(), t.firstStep(), where + " tag " + c.getKey() + " first step");
          assertEquals(fl.get(1).asLong(), t.lastStep(), where + " tag " + c.getKey() + " last step");
        }
      }
    }
  }
}
