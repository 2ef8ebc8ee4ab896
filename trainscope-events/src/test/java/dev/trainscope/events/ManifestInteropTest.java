package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.FileInventory.TagStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every real event file (TensorFlow 1 and 2, Keras, PyTorch, Lightning, tensorboardX) and
 * matches what TensorBoard's own Python loader recorded in the manifest beside it: framing,
 * event kinds, file version, and per tag the counts, value kinds, plugin, steps, wall times and
 * the scalar values bit for bit.
 */
class ManifestInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> repositoryFixtures_matchTensorBoardManifests() {
    List<Path> files = TestData.eventFiles(TestData.repoTfevents());
    assertEquals(39, files.size(), "permissive fixtures copied into testdata/");
    return files.stream().map(f -> DynamicTest.dynamicTest(TestData.repoTfevents().relativize(f).toString(),
        () -> check(f)));
  }

  @TestFactory
  Stream<DynamicTest> allSharedFiles_matchTensorBoardManifests() {
    Path shared = TestData.sharedTfevents();
    Assumptions.assumeTrue(shared != null,
        "SKIPPED: ../shared/data/tfevents is absent, so only the 39 fixtures in testdata/ were checked");
    List<Path> files = TestData.eventFiles(shared);
    assertEquals(112, files.size(), "event files in ../shared/data/tfevents");
    return files.stream().map(f -> DynamicTest.dynamicTest(shared.relativize(f).toString(), () -> check(f)));
  }

  @Test
  void allSharedFiles_totalsAgreeWithIndex() throws IOException {
    Path shared = TestData.sharedTfevents();
    Assumptions.assumeTrue(shared != null, "SKIPPED: ../shared/data/tfevents is absent");
    JsonNode index = JSON.readTree(shared.resolve("INDEX.json").toFile());
    long expectedEvents = 0;
    long actualEvents = 0;
    long expectedRecords = 0;
    long actualRecords = 0;
    for (JsonNode entry : index) {
      FileInventory inv = FileInventory.of(shared.resolve(entry.get("path").asText()));
      expectedEvents += entry.get("events").asLong();
      expectedRecords += entry.get("records").asLong();
      actualEvents += inv.events();
      actualRecords += inv.records();
    }
    assertEquals(expectedRecords, actualRecords, "records over all 112 files");
    assertEquals(expectedEvents, actualEvents, "events over all 112 files");
  }

  static void check(Path file) throws IOException {
    JsonNode m = JSON.readTree(TestData.manifestOf(file).toFile());
    FileInventory inv = FileInventory.of(file);
    String where = file.getFileName().toString();

    JsonNode framing = m.get("framing");
    ScanResult scan = inv.scan();
    assertEquals(framing.get("records").asLong(), scan.records(), where + " records");
    assertEquals(framing.get("truncated").asBoolean(), scan.truncated(), where + " truncated");
    assertEquals(framing.get("header_crc_errors").asLong(), scan.lengthCrcErrors(), where + " header crc errors");
    assertEquals(framing.get("data_crc_errors").asLong(), scan.dataCrcErrors(), where + " data crc errors");
    assertEquals(framing.get("trailing_bytes").asLong(), scan.trailingBytes(), where + " trailing bytes");
    assertEquals(scan.truncated(), inv.hasProblems(), where + " problems reported iff truncated");
    assertFalse(scan.hasCorruption(), where + " no corruption in real files");

    JsonNode raw = m.get("raw");
    assertEquals(raw.get("num_events").asLong(), inv.events(), where + " events");
    assertEquals(text(raw.get("file_version")), inv.fileVersion(), where + " file_version");
    assertEquals(text(raw.get("source_metadata_writer")), inv.sourceWriter(), where + " source writer");
    if (raw.get("num_events").asLong() > 0) {
      assertEquals(raw.get("first_wall_time").asDouble(), inv.firstWallTime(), where + " first wall time");
      assertEquals(raw.get("last_wall_time").asDouble(), inv.lastWallTime(), where + " last wall time");
    }
    assertEquals(raw.get("summary_steps_decreasing_count").asLong(), inv.summaryStepsDecreasing(),
        where + " decreasing steps");

    Map<String, Long> kinds = new TreeMap<>();
    inv.eventKinds().forEach((k, v) -> kinds.put(k.protoName(), v));
    assertEquals(longMap(raw.get("event_kinds")), kinds, where + " event kinds");

    JsonNode tags = raw.get("tags");
    assertEquals(raw.get("num_tags").asInt(), inv.tags().size(), where + " tag count");
    assertEquals(names(tags), new ArrayList<>(new java.util.TreeSet<>(inv.tags().keySet())), where + " tag names");
    for (Map.Entry<String, JsonNode> e : tags.properties()) {
      checkTag(where + " tag '" + e.getKey() + "'", e.getValue(), inv.tags().get(e.getKey()));
    }

    checkGraphs(where + " graph_defs", raw.get("graph_defs"), inv.graphs());
    checkGraphs(where + " meta_graph_defs", raw.get("meta_graph_defs"), inv.metaGraphs());
    JsonNode rmd = raw.get("tagged_run_metadata");
    int rmdCount = rmd == null || rmd.isNull() ? 0 : rmd.size();
    assertEquals(rmdCount, inv.runMetadata().size(), where + " tagged_run_metadata");
    for (int i = 0; i < rmdCount; i++) {
      assertEquals(rmd.get(i).get("tag").asText(), inv.runMetadata().get(i).tag());
      assertEquals(rmd.get(i).get("bytes").asInt(), inv.runMetadata().get(i).bytes());
      assertEquals(rmd.get(i).get("step").asLong(), inv.runMetadata().get(i).step());
    }
    JsonNode logs = raw.get("session_logs");
    assertEquals(logs == null || logs.isNull() ? 0 : logs.size(), inv.sessionLogs().size(), where + " session logs");
  }

  private static void checkTag(String where, JsonNode expected, TagStats actual) {
    assertTrue(actual != null, where + " present");
    assertEquals(expected.get("count").asLong(), actual.count(), where + " count");
    Map<String, Long> kinds = new TreeMap<>();
    actual.valueKinds().forEach((k, v) -> kinds.put(k.protoName(), v));
    assertEquals(longMap(expected.get("value_kinds")), kinds, where + " value kinds");
    assertEquals(text(expected.get("plugin_name")), actual.pluginName().isEmpty() ? null : actual.pluginName(),
        where + " plugin");
    assertEquals(expected.get("first_step").asLong(), actual.firstStep(), where + " first step");
    assertEquals(expected.get("last_step").asLong(), actual.lastStep(), where + " last step");
    assertEquals(expected.get("min_step").asLong(), actual.minStep(), where + " min step");
    assertEquals(expected.get("max_step").asLong(), actual.maxStep(), where + " max step");
    assertEquals(expected.get("distinct_step_count").asLong(), actual.distinctStepCount(), where + " distinct steps");
    assertEquals(expected.get("first_wall_time").asDouble(), actual.firstWallTime(), where + " first wall time");
    assertEquals(expected.get("last_wall_time").asDouble(), actual.lastWallTime(), where + " last wall time");
    if (actual.firstMetadata() != null) {
      if (text(expected.get("display_name")) != null) {
        assertEquals(expected.get("display_name").asText(), actual.firstMetadata().displayName(), where + " display name");
      }
      if (text(expected.get("summary_description")) != null) {
        assertEquals(expected.get("summary_description").asText(), actual.firstMetadata().summaryDescription(),
            where + " description");
      }
    }
    assertEquals(expected.get("is_scalar").asBoolean(), actual.isScalar(), where + " is scalar");
    if (actual.isScalar()) {
      assertEquals(pairs(expected.get("scalars_first3")), render(actual.first3()), where + " first 3");
      assertEquals(pairs(expected.get("scalars_last3")), render(actual.last3()), where + " last 3");
      assertEquals(expected.get("scalar_sum").asDouble(), actual.scalarSum(), where + " exact sum (math.fsum)");
    }
  }

  private static void checkGraphs(String where, JsonNode expected, List<FileInventory.GraphRecord> actual) {
    int n = expected == null || expected.isNull() ? 0 : expected.size();
    assertEquals(n, actual.size(), where + " count");
    for (int i = 0; i < n; i++) {
      JsonNode g = expected.get(i);
      assertEquals(g.get("bytes").asInt(), actual.get(i).bytes(), where + " bytes");
      assertEquals(g.get("num_nodes").asInt(), actual.get(i).nodes(), where + " nodes");
      assertEquals(g.get("step").asLong(), actual.get(i).step(), where + " step");
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, Long> longMap(JsonNode n) {
    Map<String, Long> out = new TreeMap<>();
    n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    out.sort(null);
    return out;
  }

  /** Pairs as "step=value" strings, with values in the manifest's notation for non-finite numbers. */
  private static List<String> pairs(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : n) {
      JsonNode v = p.get(1);
      out.add(p.get(0).asLong() + "=" + (v.isTextual() ? v.asText() : Double.toString(v.asDouble())));
    }
    return out;
  }

  private static List<String> render(List<double[]> points) {
    List<String> out = new ArrayList<>();
    for (double[] p : points) {
      out.add((long) p[0] + "=" + Double.toString(p[1]));
    }
    return out;
  }
}
