package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainscope export}'s reading: the points it streams from the files are the store's, bit
 * for bit and in the documented order (runs, then tags by name, then steps), whatever the memory
 * budget (all held, batches of tags read again, a tag at a time written as read), with
 * TensorBoard's restart rules, filters, and damaged files.
 */
class ScalarExportTest {
  /** Budgets that take each path: everything held, batches of a few tags, one tag at a time. */
  static final long[] BUDGETS = {256L << 20, 40 * ScalarExport.BYTES_PER_POINT, ScalarExport.BYTES_PER_POINT};

  static String export(Path logdir, long budget, Predicate<String> runs, Predicate<String> tags, List<String> warnings)
      throws IOException {
    return export(logdir, budget, 1, runs, tags, warnings);
  }

  static String export(Path logdir, long budget, int threads, Predicate<String> runs, Predicate<String> tags,
      List<String> warnings) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ScalarExportWriter w = ScalarExportWriter.of(ScalarExportWriter.Format.CSV, bytes);
    ScalarExport.Summary s = new ScalarExport(budget, threads, warnings::add).export(Storage.local(logdir), runs, tags, w);
    assertEquals(s.points(), w.points());
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The store's points of the matching runs and tags, as the export should write them. */
  static List<String[]> storePoints(RunStore store, Predicate<String> runs, Predicate<String> tags) {
    List<String[]> out = new ArrayList<>();
    for (RunInfo r : store.runs()) {
      if (!runs.test(r.name())) {
        continue;
      }
      List<String> names = new ArrayList<>();
      for (TagInfo t : store.tags(r.name())) {
        if (t.kind() == TagKind.SCALAR && tags.test(t.tag())) {
          names.add(t.tag());
        }
      }
      names.sort(null);
      for (String tag : names) {
        long from = Long.MIN_VALUE;
        while (true) {
          ScalarPoints p = store.scalars(r.name(), tag, from, Long.MAX_VALUE, 100_000);
          for (int i = 0; i < p.size(); i++) {
            out.add(new String[] {r.name(), tag, Long.toString(p.steps()[i]),
                Long.toString(Double.doubleToLongBits(p.wallTimes()[i])),
                Long.toString(Double.doubleToLongBits(p.values()[i]))});
          }
          if (!p.more()) {
            break;
          }
          from = p.nextStep();
        }
      }
    }
    return out;
  }

  /** The export read back by commons-csv: run, tag, step, the wall time's bits, the value's text. */
  static List<String[]> parsed(String csv) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (CSVRecord rec : CSVFormat.RFC4180.withFirstRecordAsHeader().parse(new StringReader(csv))) {
      out.add(new String[] {rec.get("run"), rec.get("tag"), Long.toString(Long.parseLong(rec.get("step"))),
          Long.toString(Double.doubleToLongBits(ScalarExportWriterTest.parse(rec.get("wall_time")))),
          rec.get("value")});
    }
    return out;
  }

  /**
   * The same points; a value read as a 32-bit float where the store holds a float (its shortest
   * digits read as a double are another number), else as a double, and compared by its bits.
   */
  static void assertSamePoints(List<String[]> expected, List<String[]> actual) {
    assertEquals(expected.size(), actual.size(), "points");
    for (int i = 0; i < expected.size(); i++) {
      int k = i;
      String[] e = expected.get(i);
      String[] a = actual.get(i);
      assertEquals(List.of(e).subList(0, 4), List.of(a).subList(0, 4), () -> "point " + k);
      double stored = Double.longBitsToDouble(Long.parseLong(e[4]));
      double read = (double) (float) stored == stored || Double.isNaN(stored)
          ? ScalarExportWriterTest.parseFloat(a[4]) : ScalarExportWriterTest.parse(a[4]);
      assertEquals(Double.doubleToLongBits(stored), Double.doubleToLongBits(read),
          () -> "point " + k + ": " + stored + " written as " + a[4]);
    }
  }

  static void checkAgainstStore(Path logdir, Predicate<String> runs, Predicate<String> tags) throws Exception {
    try (RunStore store = RestartRulesTest.load(logdir)) {
      List<String[]> expected = storePoints(store, runs, tags);
      assertTrue(expected.size() > 0, "the store has points to compare");
      String first = null;
      for (long budget : BUDGETS) {
        for (int threads : new int[] {1, 3}) {
          String csv = export(logdir, budget * threads, threads, runs, tags, new ArrayList<>());
          if (first == null) {
            first = csv;
            assertSamePoints(expected, parsed(csv));
          } else {
            assertEquals(first, csv, "the export with a budget of " + budget + " bytes a thread on " + threads);
          }
        }
      }
    }
  }

  @Test
  void repositoryFixtures_exportEqualsStore_bitForBit_atEveryBudget() throws Exception {
    checkAgainstStore(RunViewTest.repoTfevents(), r -> true, t -> true);
  }

  @Test
  void sharedLogs_exportEqualsStore_bitForBit() throws Exception {
    Path shared = RunViewTest.sharedTfevents();
    Assumptions.assumeTrue(shared != null, "SKIPPED: ../shared/data/tfevents is absent; only testdata/ was checked");
    checkAgainstStore(shared, r -> true, t -> true);
  }

  @Test
  void restarts_valuesAgainAndSessionStarts_exportEqualsStore(@TempDir Path dir) throws Exception {
    List<Event> first = new ArrayList<>();
    for (long s = 0; s < 30; s++) {
      first.add(TestEvents.summary(s, TestEvents.WALL0 + s, TestEvents.simple("a", s), TestEvents.simple("b", -s)));
      first.add(TestEvents.tensorScalar("c/tensor", s, s * 0.1f));
    }
    first.add(TestEvents.scalar("a", 12, 120f)); // "a" alone resumes from step 12
    first.add(TestEvents.scalar("a", 12, 121f)); // and logs step 12 again: a rewrite
    first.add(TestEvents.sessionStart(20)); // a restart from step 20: every tag loses 20.. (a only had to 12)
    List<Event> second = new ArrayList<>();
    for (long s = 20; s < 40; s++) {
      second.add(TestEvents.summary(s, TestEvents.WALL0 + 100 + s, TestEvents.simple("a", s + 0.5f),
          TestEvents.simple("b", Float.NaN)));
    }
    for (int i = 0; i < 5; i++) {
      second.add(TestEvents.scalar("same", 7, i)); // logged again and again at one step: the last stays
    }
    second.add(TestEvents.sessionStart(35));
    second.add(TestEvents.scalar("b", 3, Float.POSITIVE_INFINITY)); // far back: b keeps 0..2 and this
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), first);
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(1)), second);
    TestEvents.write(dir.resolve("other/nested").resolve(TestEvents.fileName(0)),
        TestEvents.scalars("z", 0, 50, s -> (float) Math.sin(s)));
    checkAgainstStore(dir, r -> true, t -> true);
    checkAgainstStore(dir, r -> r.equals("run"), t -> !t.equals("a"));
    String csv = export(dir, BUDGETS[0], r -> true, t -> t.equals("b"), new ArrayList<>());
    assertEquals("""
        run,tag,step,wall_time,value
        run,b,0,1700000000.0,0.0
        run,b,1,1700000001.0,-1.0
        run,b,2,1700000002.0,-2.0
        run,b,3,1700000003.0,inf
        """, csv);
  }

  @Test
  void damagedFile_readablePointsExported_damageWarnedOnce(@TempDir Path dir) throws Exception {
    Path file = TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)),
        TestEvents.scalars("loss", 0, 99, s -> 1f / (s + 1)));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x55; // a checksum fails mid-file
    Files.write(file, bytes);
    TestEvents.append(file, java.util.Arrays.copyOf(TestEvents.frame(TestEvents.scalar("loss", 100, 0f)), 10));
    checkAgainstStore(dir, r -> true, t -> true);
    for (long budget : BUDGETS) {
      List<String> warnings = new ArrayList<>();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ScalarExport.Summary s = new ScalarExport(budget * 2, 2, warnings::add).export(Storage.local(dir), r -> true, t -> true,
          ScalarExportWriter.of(ScalarExportWriter.Format.CSV, out));
      assertEquals(2, warnings.size(), warnings.toString()); // the damage and the cut-off tail, once each
      assertTrue(warnings.get(0).contains(file.toString()), warnings.get(0));
      assertEquals(1, s.damaged());
      assertEquals(1, s.runs());
      assertTrue(s.points() > 90 && s.points() < 100, "points " + s.points());
    }
  }

  @Test
  void nothingMatched_writesTheHeaderOnly(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 9, s -> 1f));
    TestEvents.write(dir.resolve("hist").resolve(TestEvents.fileName(0)),
        RestartRulesTest.hist("weights", 0, 3));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ScalarExport.Summary s = new ScalarExport(BUDGETS[0], m -> {}).export(Storage.local(dir), r -> true,
        t -> t.equals("weights"), ScalarExportWriter.of(ScalarExportWriter.Format.CSV, out));
    assertEquals(new ScalarExport.Summary(0, 0, 0, 0), s);
    assertEquals("run,tag,step,wall_time,value\n", out.toString(StandardCharsets.UTF_8));
  }
}
