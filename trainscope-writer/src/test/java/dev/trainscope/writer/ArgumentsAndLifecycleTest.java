package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ArgumentsAndLifecycleTest {
  @TempDir
  Path dir;

  private static void assertIae(String message, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(message, e.getMessage());
  }

  @Test
  void badArguments_throwIllegalArgumentNamingArgumentAndValue() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      assertIae("tag must not be null", () -> w.scalar(null, 1, 1));
      assertIae("tag must not be empty, was \"\"", () -> w.scalar("", 1, 1));
      assertIae("tag must not be empty, was \"\"", () -> w.text("", "x", 1));
      assertIae("wallTimeSeconds must be finite, was NaN", () -> w.scalar("s", 1, 1, Double.NaN));
      assertIae("wallTimeSeconds must be finite, was Infinity", () -> w.histogram("h", new double[] {1}, 1,
          Double.POSITIVE_INFINITY));
      assertIae("wallTimeSeconds must be finite, was -Infinity", () -> w.text("t", "x", 1, Double.NEGATIVE_INFINITY));
      assertIae("values must not be empty, was double[0]", () -> w.histogram("h", new double[0], 1));
      assertIae("values must not be empty, was float[0]", () -> w.histogram("h", new float[0], 1));
      assertIae("values must not be null", () -> w.histogram("h", (double[]) null, 1));
      assertIae("histogram must not be null", () -> w.histogram("h", (Histogram) null, 1));
      assertIae("markdown must not be null", () -> w.text("t", null, 1));
      assertIae("image must not be null", () -> w.image("i", null, 1));
      assertIae("png must not be null", () -> w.imagePng("i", null, 1));
      assertIae("mainTag must not be empty, was \"\"", () -> w.scalars("", Map.of("a", 1), 1));
      assertIae("values must not be empty, was {}", () -> w.scalars("m", Map.of(), 1));
      Map<String, Number> withNull = new HashMap<>();
      withNull.put("a", null);
      assertIae("values['a'] must not be null", () -> w.scalars("m", withNull, 1));
      assertIae("run directory of values key 'a/b' must be a plain file name part (no '/', '\\\\', NUL,"
          + " not empty, \".\" or \"..\"), was \"m_a/b\"", () -> w.scalars("m", Map.of("a/b", 1), 1));
      assertIae("displayName must not be null", () -> w.describe("d", null, ""));
    }
    assertEquals(1, Read.events(Read.onlyEventFile(dir)).size(), "nothing of a refused call was logged");
    assertEquals(List.of(dir.resolve(Read.onlyEventFile(dir).getFileName())), Read.eventFiles(dir));
  }

  @Test
  void builder_badSettings_throw() {
    assertIae("logdir must not be null", () -> SummaryWriter.builder(null));
    assertIae("queueCapacity must be in [2, 16777216], was 1", () -> SummaryWriter.builder(dir).queueCapacity(1));
    assertIae("maxPendingBytes must be > 0, was 0", () -> SummaryWriter.builder(dir).maxPendingBytes(0));
    assertIae("fileNameSuffix must be a plain file name part (no '/', '\\\\', NUL, not empty, \".\" or \"..\"),"
        + " was \"a/b\"", () -> SummaryWriter.builder(dir).fileNameSuffix("a/b"));
    assertIae("clock must not be null", () -> SummaryWriter.builder(dir).clock(null));
  }

  @Test
  void create_onARegularFile_throwsUncheckedIO() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SummaryWriter.create(file));
    assertTrue(e.getMessage().startsWith("cannot create an event file in " + file), e.getMessage());
  }

  @Test
  void tagKinds_cannotBeMixed() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.scalar("x", 1, 1);
      assertIae("tag 'x' holds scalar values; it cannot also hold histogram values",
          () -> w.histogram("x", new double[] {1}, 1));
      assertIae("tag 'x' holds scalar values; it cannot also hold text values", () -> w.text("x", "t", 1));
    }
  }

  @Test
  void describe_afterTheFirstValue_throwsIllegalState() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.scalars("group", Map.of("a", 1), 1);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.describe("group", "G", ""));
      assertEquals("describe(\"group\", ...) must come before the tag's first value, and 'group' has one already",
          e.getMessage());
    }
  }

  @Test
  void loggingAfterClose_throwsIllegalState_closeTwiceAndFlushAfterCloseAreFine() {
    SummaryWriter w = SummaryWriter.create(dir);
    w.scalar("s", 1, 1);
    w.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.scalar("s", 2, 2));
    assertTrue(e.getMessage().startsWith("SummaryWriter for " + dir + " is closed; scalar tag 's' in "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(" was not logged"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> w.text("t", "x", 1));
    assertThrows(IllegalStateException.class, () -> w.histogram("h", new double[] {1}, 1));
    assertThrows(IllegalStateException.class, () -> w.image("i", ImageTest.randomRgb(1, 1, 1, false), 1));
    e = assertThrows(IllegalStateException.class, () -> w.scalars("new", Map.of("k", 1), 1));
    assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> w.hparams(Map.of("a", 1), Map.of()));
    assertDoesNotThrow(w::close);
    assertDoesNotThrow(w::flush);
    assertEquals(1, Read.values(Read.onlyEventFile(dir), "s").size());
    assertEquals(List.of(Read.onlyEventFile(dir)), Read.eventFiles(dir), "no run was created after close");
    assertTrue(Files.notExists(dir.resolve("new_k")));
  }

  @Test
  void writeFailure_isThrownByTheNextCall_flushAndClose() throws Exception {
    DefaultSummaryWriter w = (DefaultSummaryWriter) SummaryWriter.create(dir);
    w.scalar("s", 1, 1);
    w.flush();
    w.mainRun().channel.close(); // the disk goes away under the writer
    w.scalar("s", 2, 2);
    UncheckedIOException flush = assertThrows(UncheckedIOException.class, w::flush);
    assertInstanceOf(ClosedChannelException.class, flush.getCause());
    assertTrue(flush.getMessage().startsWith("writing events to " + dir + " failed: "), flush.getMessage());
    UncheckedIOException next = assertThrows(UncheckedIOException.class, () -> w.scalar("s", 3, 3));
    assertTrue(next.getMessage().contains("failed earlier"), next.getMessage());
    assertTrue(next.getMessage().endsWith("scalar tag 's' in " + w.file() + " was not logged"), next.getMessage());
    assertThrows(UncheckedIOException.class, () -> w.text("t", "x", 1));
    UncheckedIOException close = assertThrows(UncheckedIOException.class, w::close);
    assertInstanceOf(ClosedChannelException.class, close.getCause());
    assertDoesNotThrow(w::close);
    assertEquals(1, Read.values(w.file(), "s").size(), "what was flushed before the failure is intact");
  }

  @Test
  void writeFailure_withoutFlush_isThrownByClose() throws Exception {
    DefaultSummaryWriter w = (DefaultSummaryWriter) SummaryWriter.create(dir);
    w.mainRun().channel.close();
    w.scalar("s", 1, 1);
    assertThrows(UncheckedIOException.class, w::close);
  }

  @Test
  void backPressure_tinyQueueAndPendingLimit_loseNothing() {
    try (SummaryWriter w = SummaryWriter.builder(dir).queueCapacity(2).maxPendingBytes(1).build()) {
      for (int i = 0; i < 5_000; i++) {
        w.scalar("s", i, i);
        if (i % 100 == 0) {
          w.histogram("h", new double[] {i, i + 1}, i);
        }
      }
    }
    assertEquals(5_000, Read.values(Read.onlyEventFile(dir), "s").size());
    assertEquals(50, Read.values(Read.onlyEventFile(dir), "h").size());
  }
}
