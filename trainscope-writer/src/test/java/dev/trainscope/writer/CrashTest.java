package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process that dies keeps what it flushed; one that exits without closing keeps all. */
class CrashTest {
  static final int N = 50_000;

  @TempDir
  Path dir;

  private Process child(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), dir.toString(), mode, Integer.toString(N))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  @Test
  void sigkillAfterFlush_everyFlushedEventReadsBack_tailMayOnlyBeTruncated() throws Exception {
    Process p = child("kill");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("FLUSHED " + N, out.readLine());
      Thread.sleep(100); // let it write more, so that the kill likely cuts a record
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, p.exitValue(), "killed by SIGKILL");
    } finally {
      p.destroyForcibly();
    }
    List<Event> events = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    ScanResult scan = Read.scan(Read.onlyEventFile(dir), events, problems);
    assertFalse(scan.hasCorruption(), problems.toString());
    for (Problem problem : problems) {
      assertEquals(Problem.Kind.TRUNCATED_RECORD, problem.kind(), problem.toString());
    }
    int flushed = 0;
    int notes = 0;
    boolean afterSeen = false;
    for (Event e : events) {
      if (e.summary() == null) {
        continue;
      }
      SummaryValue v = e.summary().values().get(0);
      if (v.tag().equals("flushed")) {
        assertFalse(afterSeen, "flushed values come first");
        assertEquals(flushed, e.step());
        assertEquals((float) flushed, ((TensorProto) v.value()).floatVal()[0]);
        flushed++;
      } else if (v.tag().equals("notes")) {
        notes++;
      } else {
        afterSeen = true;
      }
    }
    assertEquals(N, flushed);
    assertEquals(N / 100, notes);
  }

  @Test
  void exitWithoutClose_shutdownHookWritesEverything() throws Exception {
    Process p = child("exit");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("LOGGED " + N, out.readLine());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
    assertEquals(N, Read.values(Read.onlyEventFile(dir), "flushed").size());
  }
}
