package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.proto.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorBoard's rules for a training that restarted from a checkpoint: per tag, a value at step s
 * replaces the values held at steps >= s; a SessionLog START at step s drops the run's values at
 * steps >= s, across all tags and kinds.
 */
class RestartRulesTest {

  static RunStore load(Path dir) throws InterruptedException {
    RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
    store.reload();
    return store;
  }

  static List<Long> steps(RunStore store, String tag) {
    List<Long> out = new ArrayList<>();
    for (long s : store.scalars("run", tag, Long.MIN_VALUE, Long.MAX_VALUE, 10_000).steps()) {
      out.add(s);
    }
    return out;
  }

  static List<Long> histogramSteps(RunStore store, String tag) {
    return store.histograms("run", tag).stream().map(HistogramStep::step).toList();
  }

  static List<Long> blobSteps(RunStore store, String tag) {
    return store.blobs("run", tag).stream().map(BlobInfo::step).toList();
  }

  static List<Long> textSteps(RunStore store, String tag) {
    return store.text("run", tag).stream().map(TextStep::step).toList();
  }

  static Event hist(String tag, long step, double count) {
    return TestEvents.histogram(tag, step, new double[] {0, 1}, new double[] {1, 2}, new double[] {count, 1});
  }

  @Test
  void restart_valueAtEarlierStep_replacesThatTagsValuesFromThereOnOnly(@TempDir Path dir) throws Exception {
    List<Event> events = new ArrayList<>();
    for (long s = 0; s < 10; s++) {
      events.add(TestEvents.summary(s, TestEvents.WALL0 + s, TestEvents.simple("a", s), TestEvents.simple("b", s)));
    }
    events.add(TestEvents.scalar("a", 5, -5f)); // "a" resumes from a checkpoint at step 5
    events.add(TestEvents.scalar("a", 6, -6f));
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), events);
    try (RunStore store = load(dir)) {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), steps(store, "a"));
      ScalarPoints a = store.scalars("run", "a", 4, 6, 10);
      assertArrayEquals(new double[] {4, -5, -6}, a.values(), "the new values replace the old ones");
      assertEquals(5, store.tag("run", "a").droppedByRestart(), "steps 5..9 of the first attempt");
      assertEquals(0, store.tag("run", "a").droppedBySessionStart());
      assertEquals(10, store.tag("run", "b").count(), "another tag keeps its values");
      assertEquals(0, store.tag("run", "b").droppedByRestart());
      assertEquals(5, store.run("run").droppedByRestart());
      assertEquals(5, store.tag("run", "a").dropped());
    }
  }

  @Test
  void restart_sameStepTwice_keepsTheLaterValue(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)),
        TestEvents.scalar("a", 3, 1f), TestEvents.scalar("a", 3, 2f));
    try (RunStore store = load(dir)) {
      assertArrayEquals(new double[] {2}, store.scalars("run", "a", 0, 9, 10).values());
      assertEquals(0, store.tag("run", "a").droppedByRestart(), "no step went back: no restart");
      assertEquals(1, store.tag("run", "a").rewrittenAtStep());
    }
  }

  @Test
  void restart_nonScalarKinds_followThePerTagRuleToo(@TempDir Path dir) throws Exception {
    byte[] png = TestEvents.png(2, 2, 0x00FF00);
    List<Event> events = new ArrayList<>();
    for (long s = 0; s < 6; s++) {
      events.add(hist("h", s, s));
      events.add(TestEvents.image("img", s, png, 2, 2));
      events.add(TestEvents.text("txt", s, "step " + s));
    }
    events.add(hist("h", 2, 100));
    events.add(TestEvents.image("img", 4, png, 2, 2));
    events.add(TestEvents.text("txt", 0, "again"));
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), events);
    try (RunStore store = load(dir)) {
      assertEquals(List.of(0L, 1L, 2L), histogramSteps(store, "h"));
      assertEquals(100.0, store.histograms("run", "h").get(2).count()[0], "the later histogram of step 2");
      assertEquals(4, store.tag("run", "h").droppedByRestart());
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), blobSteps(store, "img"));
      assertEquals(2, store.tag("run", "img").droppedByRestart());
      assertEquals(List.of(0L), textSteps(store, "txt"));
      assertEquals(List.of("again"), store.text("run", "txt").get(0).text());
      assertEquals(6, store.tag("run", "txt").droppedByRestart());
      assertEquals(12, store.run("run").droppedByRestart());
    }
  }

  @Test
  void restart_sessionStart_dropsEveryTagsValuesFromItsStepOn(@TempDir Path dir) throws Exception {
    byte[] png = TestEvents.png(2, 2, 0x00FF00);
    List<Event> events = new ArrayList<>();
    for (long s = 0; s < 10; s++) {
      events.add(TestEvents.scalar("loss", s, s));
      events.add(hist("h", s, s));
      events.add(TestEvents.image("img", s, png, 2, 2));
      events.add(TestEvents.text("txt", s, "step " + s));
    }
    events.add(TestEvents.scalar("early", 1, 1f)); // a tag that ends before the restart point
    events.add(TestEvents.sessionStart(6));
    events.add(TestEvents.scalar("loss", 8, -8f)); // the new session goes on from its checkpoint
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), events);
    try (RunStore store = load(dir)) {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 8L), steps(store, "loss"));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), histogramSteps(store, "h"));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), blobSteps(store, "img"));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), textSteps(store, "txt"));
      for (String tag : List.of("loss", "h", "img", "txt")) {
        assertEquals(4, store.tag("run", tag).droppedBySessionStart(), tag + ": steps 6..9");
        assertEquals(0, store.tag("run", tag).droppedByRestart(), tag);
      }
      assertEquals(1, store.tag("run", "early").count());
      assertEquals(0, store.tag("run", "early").droppedBySessionStart());
      assertEquals(16, store.run("run").droppedBySessionStart());
      NoSuchTagException e = assertThrows(NoSuchTagException.class, () -> store.blob("run", "img", 7, 0));
      assertEquals("img", e.tag());
      assertArrayEquals(png, store.blob("run", "img", 5, 0));
    }
  }

  @Test
  void restart_sessionStartInALaterFile_dropsValuesOfEarlierFiles(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(1)), TestEvents.scalars("loss", 0, 99, s -> 1f));
    List<Event> second = new ArrayList<>();
    second.add(TestEvents.sessionStart(50));
    second.addAll(TestEvents.scalars("loss", 50, 59, s -> 2f));
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(2)), second);
    try (RunStore store = load(dir)) {
      assertEquals(60, store.tag("run", "loss").count());
      assertEquals(50, store.tag("run", "loss").droppedBySessionStart());
      assertEquals(2.0, store.scalars("run", "loss", 50, 50, 1).values()[0]);
      assertEquals(59, store.tag("run", "loss").lastStep());
    }
  }

  @Test
  void restart_sessionStartAtStepBeforeAllValues_emptiesTagsButKeepsThem(@TempDir Path dir) throws Exception {
    List<Event> events = new ArrayList<>(TestEvents.scalars("loss", 10, 19, s -> 1f));
    events.add(TestEvents.sessionStart(0));
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), events);
    try (RunStore store = load(dir)) {
      TagInfo t = store.tag("run", "loss");
      assertEquals(0, t.count());
      assertEquals(10, t.droppedBySessionStart());
      assertEquals(0, store.scalars("run", "loss", Long.MIN_VALUE, Long.MAX_VALUE, 10).size());
      assertEquals(0, store.scalarBuckets("run", "loss", Long.MIN_VALUE, Long.MAX_VALUE, 10).size());
    }
  }
}
