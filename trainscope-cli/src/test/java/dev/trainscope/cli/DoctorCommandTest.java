package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.cli.InspectCommandTest.Run;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainscope doctor}: findings grouped by run with their evidence, JSON, the exit status that gates a pipeline. */
class DoctorCommandTest {
  @TempDir
  Path logdir;

  @BeforeEach
  void logs() {
    try (SummaryWriter broken = SummaryWriter.create(logdir.resolve("broken"));
        SummaryWriter fine = SummaryWriter.create(logdir.resolve("fine"));
        SummaryWriter odd = SummaryWriter.create(logdir.resolve("odd"))) {
      for (long s = 0; s < 200; s++) {
        broken.scalar("train/loss", s < 150 ? 2.0 / (1 + s * 0.05) : Double.NaN, s);
        fine.scalar("train/loss", 2.0 / (1 + s * 0.05), s);
        // a loss under a name no convention knows: flat, so stalled once --role says it is a loss
        odd.scalar("objective_value", 1.0 + 1e-4 * Math.sin(s), s);
      }
    }
  }

  static Run run(String... args) {
    return InspectCommandTest.run(args);
  }

  @Test
  void verdict_namesTheCauseFirst_withItsConsequences_andTheExitStatusFollowsFailOn() {
    Run r = run("doctor", logdir.toString());
    assertEquals(1, r.status(), "an error is present, and --fail-on defaults to error: " + r.out());
    // a loss that fell, then became NaN: a learning rate too high, of which the NaN is a consequence
    assertTrue(r.out().startsWith("== run broken\n   ERROR   the learning rate is too high: training started sound"),
        r.out());
    assertTrue(r.out().contains("rule lr-too-high, steps 150..199, tags train/loss"), r.out());
    assertTrue(r.out().contains("based on: training loss"), r.out());
    assertTrue(r.out().contains("try: lower the learning rate"), r.out());
    assertTrue(r.out().contains("           which explains:\n           - ERROR loss 'train/loss' became NaN or infinite at step 150"
        + " (50 values)\n             rule nan-loss, steps 150..199\n"), r.out());
    assertFalse(r.out().contains("== run fine"), "nothing to say about a healthy run: " + r.out());
    assertTrue(r.out().endsWith("2 error(s), 0 warning(s), 0 note(s) in 3 runs.\n"), r.out());

    Path healthy = logdir.resolve("fine");
    assertEquals(0, run("doctor", healthy.toString(), "--fail-on", "info").status());
    assertEquals("No findings in 1 run. (--explain says what could be checked)\n", run("doctor", healthy.toString()).out());
  }

  @Test
  void aRunFolder_isNamedByItsFolder_notDot() {
    Run r = run("doctor", logdir.resolve("broken").toString());
    assertTrue(r.out().startsWith("== run broken\n"), r.out());
  }

  @Test
  void explain_saysWhatEachTagWasReadAs_andWhatCouldNotBeChecked() {
    Run r = run("doctor", logdir.resolve("fine").toString(), "--explain");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("   no warning or error (see what could be checked below)"), r.out());
    assertTrue(r.out().contains("     train/loss  loss (train)"), r.out());
    assertTrue(r.out().contains("     train/loss  loss (train)                       name\n"), "read from its name: " + r.out());
    assertTrue(r.out().contains("checked      lr-too-high            training loss"), r.out());
    assertTrue(r.out().contains("not checked  dead-relu              no per-layer activations, gradients or biases logged"),
        r.out());
  }

  @Test
  void json_isOneDocument_withTodaysFields_andTheVerdicts() throws Exception {
    Run r = run("doctor", logdir.toString(), "--json", "--fail-on", "warning", "--explain");
    assertEquals(1, r.status());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode findings = doc.get("findings");
    JsonNode v = doc.get("verdicts").get(0);
    assertEquals("broken", v.get("subject").asText());
    JsonNode root = findings.get(v.get("root").asInt());
    assertEquals("lr-too-high", root.get("rule").asText());
    assertEquals("error", root.get("severity").asText());
    assertEquals("broken", root.get("run").asText());
    assertEquals(150, root.get("fromStep").asLong());
    assertEquals("training loss", root.get("basis").asText());
    JsonNode nan = findings.get(v.get("consequences").get(0).asInt());
    assertEquals("nan-loss", nan.get("rule").asText());
    assertEquals(50, nan.get("evidence").get("non_finite_values").asDouble());
    for (String field : new String[] {"rule", "severity", "run", "tags", "layer", "fromStep", "toStep", "evidence",
        "summary", "suggestion"}) {
      assertTrue(root.has(field), "today's field " + field);
    }
    assertEquals("loss", v.get("roles").get(0).get("role").asText());
    assertTrue(v.get("coverage").size() > 10, v.toString());
  }

  @Test
  void roleOverrides_andThresholds_changeWhatIsFound() throws Exception {
    assertFalse(run("doctor", logdir.resolve("odd").toString()).out().contains("stalled"), "an unknown name is no loss");
    Run r = run("doctor", logdir.resolve("odd").toString(), "--role", "objective=loss:train", "--fail-on", "warning");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("rule stalled"), r.out());
    Path roles = logdir.resolve("roles.txt");
    Files.writeString(roles, "# my names\nobjective_value=loss\n");
    assertTrue(run("doctor", logdir.resolve("odd").toString(), "--roles", roles.toString()).out().contains("rule stalled"));
    // the NaN rule has no threshold, but surges do: list them, and refuse an unknown one
    assertTrue(run("doctor", logdir.toString(), "--list-thresholds").out().contains("surge.minRise"));
    assertTrue(run("doctor", "--list-thresholds").out().contains("surge.minRise"), "no log directory needed");
    Run bad = run("doctor", logdir.toString(), "--threshold", "no.such=1");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("no threshold named 'no.such'"), bad.err());
  }

  @Test
  void badInput_exits2WithAMessage() {
    Run none = run("doctor");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("give a log directory"), none.err());
    Run missing = run("doctor", logdir.resolve("nope").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().startsWith("trainscope doctor: not a directory: "), missing.err());
    Run severity = run("doctor", logdir.toString(), "--fail-on", "panic");
    assertEquals(2, severity.status());
    assertTrue(severity.err().startsWith("trainscope doctor: "), severity.err());
  }

  /**
   * A file nobody can read, root included (who runs CI): a link to a write-only kernel file,
   * which has a size, so the store tries to read it, and which refuses to be opened for reading.
   */
  static Path unreadableEventFile(Path dir) throws Exception {
    Path target = Path.of("/sys/bus/pci/rescan");
    assertTrue(Files.size(target) > 0, "this test needs a file with a size that nobody can read");
    assertThrows(java.nio.file.AccessDeniedException.class, () -> Files.newByteChannel(target).close(),
        "this test needs a file that nobody can read, even root; " + target + " can be read here");
    return Files.createSymbolicLink(dir.resolve("events.out.tfevents.1700000000.unreadable.1.0"), target);
  }

  @Test
  void unreadableFile_isReportedAndExits3_notNoFindingsAndExit0() throws Exception {
    Path fine = logdir.resolve("fine");
    Path file = unreadableEventFile(fine);
    Run r = run("doctor", fine.toString());
    assertEquals(DoctorCommand.UNREADABLE, r.status(), r.out());
    assertTrue(r.out().startsWith("No findings in 1 run. (--explain says what could be checked)\n\n== problems reading the log directory: 1 could not be read, 0 damaged\n"
        + "   UNREADABLE " + file.getFileName() + "\n              cannot read (java.nio.file.AccessDeniedException: "), r.out());
    assertTrue(r.out().endsWith("The findings above cover only what could be read.\n"), r.out());

    JsonNode doc = new ObjectMapper().readTree(run("doctor", fine.toString(), "--json").out());
    assertEquals("IO_ERROR", doc.get("problems").get(0).get("kind").asText());
    assertEquals("fine", doc.get("problems").get(0).get("run").asText(), "the folder's name, not \".\"");

    unreadableEventFile(logdir.resolve("broken"));
    assertEquals(1, run("doctor", logdir.toString()).status(), "a finding that gates comes first");
  }
}
