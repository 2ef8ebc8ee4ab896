package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.cli.InspectCommandTest.Run;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainscope inspect --runs [--json] DIR}: the run view as the run store holds it. */
class InspectRunsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES =
      Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");

  static Set<String> fields(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void inspectRunsJson_reducerDuplicateSteps_countsEachStepOnceAndTheRestAsDropped() throws IOException {
    Run r = InspectCommandTest.run("inspect", "--runs", "--json", FIXTURES.resolve("tensorboard-reducer").toString());
    assertEquals(0, r.status(), r.err());
    JsonNode doc = JSON.readTree(r.out());
    assertEquals(Set.of("runs"), fields(doc));
    JsonNode runs = doc.get("runs");
    assertEquals(9, runs.size());
    for (String name : List.of("run_1", "run_2", "run_3")) {
      JsonNode run = runs.get("tests/runs/duplicate_steps/" + name);
      assertEquals(Set.of("files", "events", "problems", "has_graph", "has_meta_graph", "tags"), fields(run));
      assertEquals(1, run.get("files").size());
      assertEquals(0, run.get("problems").asLong());
      assertEquals(Set.of("dup_steps/foo", "dup_steps/bar"), fields(run.get("tags")));
      for (JsonNode tag : run.get("tags")) {
        assertEquals(Set.of("kind", "plugin", "count", "first_step", "last_step", "dropped"), fields(tag));
        assertEquals("scalar", tag.get("kind").asText());
        assertEquals("scalars", tag.get("plugin").asText());
        assertEquals(200, tag.get("count").asLong());
        assertEquals(0, tag.get("first_step").asLong());
        assertEquals(199, tag.get("last_step").asLong());
        assertEquals(10, tag.get("dropped").asLong(), "ten steps logged twice");
      }
    }
    JsonNode strict = runs.get("tests/runs/strict/run_1").get("tags").get("strict/foo");
    assertEquals(100, strict.get("count").asLong());
    assertEquals(495, strict.get("last_step").asLong());
    assertEquals(0, strict.get("dropped").asLong());
  }

  @Test
  void inspectRunsJson_everyRepositorySource_agreesWithTensorBoardsRunView() throws IOException {
    int sources = 0;
    try (var s = Files.list(FIXTURES)) {
      for (Path source : s.filter(p -> Files.exists(p.resolve("RUNS.tfdata.json"))).sorted().toList()) {
        sources++;
        Run r = InspectCommandTest.run("inspect", "--runs", "--json", source.toString());
        JsonNode runs = JSON.readTree(r.out()).get("runs");
        JsonNode expected = JSON.readTree(source.resolve("RUNS.tfdata.json").toFile()).get("runs");
        assertEquals(fields(expected), fields(runs), source + " runs");
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
          JsonNode run = runs.get(e.getKey());
          String where = source.getFileName() + " " + e.getKey();
          assertEquals(e.getValue().get("event_files"), run.get("files"), where);
          assertEquals(e.getValue().get("has_graph").asBoolean(), run.get("has_graph").asBoolean(), where);
          for (Map.Entry<String, JsonNode> c : e.getValue().get("tensor_counts").properties()) {
            JsonNode tag = run.get("tags").get(c.getKey());
            assertEquals(c.getValue().asLong(), tag.get("count").asLong() + tag.get("dropped").asLong(),
                where + " " + c.getKey() + ": TensorBoard keeps what restarts replace");
            JsonNode steps = e.getValue().get("first_last_step").get(c.getKey());
            assertEquals(steps.get(0).asLong(), tag.get("first_step").asLong(), where + " " + c.getKey());
            assertEquals(steps.get(1).asLong(), tag.get("last_step").asLong(), where + " " + c.getKey());
          }
        }
      }
    }
    assertEquals(6, sources);
  }

  @Test
  void inspectRuns_hparamsTrials_printsExactTables() {
    Path dir = FIXTURES.resolve("gen-tensorboardX/hparams");
    Run r = InspectCommandTest.run("inspect", "--runs", dir.toString());
    assertEquals(0, r.status(), r.err());
    StringBuilder expected = new StringBuilder("""
        == run .
           1 file(s), 1 events, 40 bytes
           tag  kind  plugin  count  steps  dropped

        """);
    for (int trial = 0; trial < 3; trial++) {
      expected.append("== run trial_").append(trial).append('\n').append(trial == 0 ? """
             1 file(s), 6 events, 513 bytes
          """ : """
             1 file(s), 6 events, 514 bytes
          """).append("""
             tag                           kind     plugin   count  steps  dropped
             _hparams_/experiment          hparams  hparams      1  0..0
             _hparams_/session_start_info  hparams  hparams      1  0..0
             _hparams_/session_end_info    hparams  hparams      1  0..0
             hparam/accuracy               scalar   scalars      1  0..0
             hparam/loss                   scalar   scalars      1  0..0

          """);
    }
    assertEquals(expected.toString(), r.out());
  }

  @Test
  void inspectRuns_missingDirectory_exitsTwoWithMessage() {
    Run r = InspectCommandTest.run("inspect", "--runs", "/no/such/logdir");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("no such file or directory: /no/such/logdir"), r.err());
    assertEquals("", r.out());
    Run json = InspectCommandTest.run("inspect", "--runs", "--json", "/no/such/logdir");
    assertEquals(2, json.status());
    assertEquals("", json.out());
  }

  @Test
  void inspectRuns_fileInsteadOfDirectory_exitsTwoWithMessage() {
    Path file = FIXTURES.resolve("gen-tensorboardX/hparams/trial_0/events.out.tfevents.1795718565.vm");
    Run r = InspectCommandTest.run("inspect", "--runs", file.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("not a directory: " + file), r.err());
  }

  @Test
  void inspectRuns_directoryWithoutEventFiles_reportsNoRunsAndExitsZero(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("notes.txt"), "hello");
    Run text = InspectCommandTest.run("inspect", "--runs", tmp.toString());
    assertEquals(0, text.status());
    assertTrue(text.out().startsWith("no runs"), text.out());
    Run json = InspectCommandTest.run("inspect", "--runs", "--json", tmp.toString());
    assertEquals(0, json.status());
    assertEquals(0, JSON.readTree(json.out()).get("runs").size());
  }

  @Test
  void inspectRuns_corruptRecord_countsTheProblemAndExitsOne(@TempDir Path tmp) throws IOException {
    byte[] a = TfRecordFormat.frame(scalarEvent("loss", 1f, 1).toByteArray());
    byte[] b = TfRecordFormat.frame(scalarEvent("loss", 2f, 2).toByteArray());
    b[b.length - 1] ^= 0x40;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(a);
    bytes.writeBytes(b);
    bytes.writeBytes(TfRecordFormat.frame(scalarEvent("loss", 3f, 3).toByteArray()));
    Files.createDirectories(tmp.resolve("run"));
    Files.write(tmp.resolve("run/events.out.tfevents.1700000000.host.1.0"), bytes.toByteArray());
    Run r = InspectCommandTest.run("inspect", "--runs", "--json", tmp.toString());
    assertEquals(1, r.status());
    JsonNode run = JSON.readTree(r.out()).get("runs").get("run");
    assertEquals(1, run.get("problems").asLong());
    assertEquals(2, run.get("tags").get("loss").get("count").asLong(), "steps 1 and 3; the damaged step 2 is skipped");
    Run text = InspectCommandTest.run("inspect", "--runs", tmp.toString());
    assertEquals(1, text.status());
    assertTrue(text.out().contains("1 problem(s)"), text.out());
  }

  @Test
  void inspectRuns_hostileRunAndTagNames_areEscapedInTablesAndExactInJson(@TempDir Path tmp) throws IOException {
    String tag = "loss\u001b[2J\nfake";
    String run = "run\u001b]0;x\u0007";
    Files.createDirectories(tmp.resolve(run));
    Files.write(tmp.resolve(run).resolve("events.out.tfevents.1700000000.host.1.0"),
        TfRecordFormat.frame(scalarEvent(tag, 0.5f, 3).toByteArray()));
    Run text = InspectCommandTest.run("inspect", "--runs", tmp.toString());
    assertEquals(0, text.status());
    assertFalse(text.out().contains("\u001b"), "no raw escape character reaches the terminal");
    assertTrue(text.out().contains("== run run\\u001b]0;x\\u0007"), text.out());
    assertTrue(text.out().contains("loss\\u001b[2J\\nfake"), text.out());
    Run json = InspectCommandTest.run("inspect", "--runs", "--json", tmp.toString());
    JsonNode tags = JSON.readTree(json.out()).get("runs").get(run).get("tags");
    assertTrue(tags.has(tag), json.out());
  }

  private static Event scalarEvent(String tag, float value, long step) {
    return new Event(1.7e9 + step, step,
        new Summary(List.of(SummaryValue.of(tag, null, new SummaryValue.SimpleValue(value)))), null);
  }
}
