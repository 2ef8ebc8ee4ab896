package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live diagnosis: what it reports of all runs and of one, and that it follows the store. */
class FindingsServiceTest {
  @TempDir
  Path dir;

  private static double sound(long step) {
    return 2.0 / (1 + 0.1 * step);
  }

  @Test
  void report_ofEveryRunAndOfOne_countsEveryRun() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("sick", "train/loss", 0, 60, s -> s < 30 ? sound(s) : Double.NaN)
        .scalar("well", "train/loss", 0, 60, FindingsServiceTest::sound)
        .store();
        FindingsService service = new FindingsService(store, Doctor.defaults(), 3_600_000)) {
      FindingsService.Report all = service.report(null);
      assertTrue(all.findings().stream().anyMatch(f -> f.rule().equals("nan-loss") && f.run().equals("sick")),
          all.findings().toString());
      assertTrue(all.findings().stream().allMatch(f -> f.run().equals("sick")), all.findings().toString());
      assertEquals(List.of("sick", "well"), all.examinations().stream().map(Examination::subject).toList());
      assertEquals(Map.of("sick", Map.of(Severity.ERROR, (int) all.findings().stream()
          .filter(f -> f.severity() == Severity.ERROR).count())), all.counts());
      assertEquals(1, all.version());

      FindingsService.Report well = service.report("well");
      assertEquals(List.of(), well.findings());
      assertEquals(List.of("well"), well.examinations().stream().map(Examination::subject).toList());
      assertEquals(all.counts(), well.counts(), "the counts are of every run, whichever was asked");

      assertEquals("sick", service.examinationOf("sick").subject());
      assertNull(service.examinationOf("nobody"));
      assertEquals(all.findings(), service.of("sick"));
    }
  }

  @Test
  void dataArriving_reexaminesItsTraining_andSaysSo() throws Exception {
    try (RunStore store = new LogBuilder(dir).scalar("run", "train/loss", 0, 40, FindingsServiceTest::sound).store();
        FindingsService service = new FindingsService(store, Doctor.defaults(), 3_600_000)) {
      AtomicInteger changes = new AtomicInteger();
      service.onChange(changes::incrementAndGet);
      service.refresh();
      assertEquals(List.of(), service.findings());
      long before = service.version();

      // the same file, grown: the loss turns NaN after step 40
      new LogBuilder(dir).scalar("run", "train/loss", 0, 40, FindingsServiceTest::sound)
          .scalar("run", "train/loss", 40, 60, s -> Double.NaN).store().close();
      store.reload();
      service.refresh();
      assertEquals(before + 1, service.version());
      assertEquals(1, changes.get());
      assertNotNull(service.findings().stream().filter(f -> f.rule().equals("nan-loss")).findFirst().orElse(null),
          service.findings().toString());

      service.refresh(); // nothing new: the same findings, no change announced
      assertEquals(before + 1, service.version());
      assertEquals(1, changes.get());
    }
  }

  @Test
  void checks_countEveryStatus() throws Exception {
    try (RunStore store = new LogBuilder(dir).scalar("run", "train/loss", 0, 40, FindingsServiceTest::sound).store()) {
      Examination e = Doctor.defaults().examine(store).get(0);
      Map<Coverage.Status, Integer> checks = e.checks();
      assertEquals(List.of(Coverage.Status.values()), List.copyOf(checks.keySet()));
      assertEquals(e.coverage().size(), checks.values().stream().mapToInt(Integer::intValue).sum());
      for (Coverage.Status s : Coverage.Status.values()) {
        assertEquals(e.coverage().values().stream().filter(c -> c.status() == s).count(), (long) checks.get(s), s.id());
      }
    }
  }
}
