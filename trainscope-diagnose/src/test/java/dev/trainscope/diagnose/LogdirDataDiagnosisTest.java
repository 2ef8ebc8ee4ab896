package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.LogdirData;
import dev.trainscope.data.MemoryLogdirData;
import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnosis reads through {@link LogdirData} alone: over a copy of the store's data made
 * through that interface (no files, no store), it examines every training exactly as over the
 * store.
 */
class LogdirDataDiagnosisTest {
  @TempDir
  Path dir;

  @Test
  void aCopyOfTheData_isExaminedAsTheStoreIs() throws Exception {
    LogBuilder log = new LogBuilder(dir)
        .scalar("diverging", "train/loss", 0, 400, s -> s < 100 ? 2.0 - s * 0.018 : 0.2 + (s - 100) * 0.01)
        .scalar("nan", "loss", 0, 100, s -> s < 60 ? 1.0 / (s + 1) : Double.NaN)
        .uniformHistogram("saturated", "activations/dense1/pre", 0, -20, 20, 100)
        .uniformHistogram("saturated", "activations/dense1/post", 0, -1, 1, 100)
        .uniformHistogram("weights", "weights/dense1", 0, -0.1, 0.1, 10)
        .uniformHistogram("weights", "weights/dense1", 1, -30, 30, 10)
        .scalar("exp/train", "epoch_loss", 0, 1000, s -> 2.0 * Math.exp(-s / 200.0) + 0.01);
    for (long s = 0; s < 1000; s += 50) {
      log.scalarAt("exp/validation", "epoch_loss", s, 0.6 + Math.pow((s - 400) / 600.0, 2));
    }
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    for (long s = 0; s < 500; s += 50) {
      log.image("same", "train/batch", s, png);
      log.scalarAt("same", "loss", s, 2.3 * Math.exp(-s / 100.0));
    }
    Doctor doctor = Doctor.defaults();
    try (RunStore store = log.store()) {
      List<Examination> overStore = doctor.examine(store);
      List<Examination> overCopy = doctor.examine(MemoryLogdirData.copyOf(store));

      Set<String> rules = new TreeSet<>();
      overStore.forEach(e -> e.findings().forEach(f -> rules.add(e.subject() + ":" + f.rule())));
      assertTrue(rules.containsAll(List.of("diverging:loss-divergence", "nan:nan-loss",
          "saturated:saturated-activations", "weights:large-weights", "same:repeated-batches")), rules.toString());
      assertEquals(List.of("diverging", "exp", "nan", "same", "saturated", "weights"),
          overCopy.stream().map(Examination::subject).sorted().toList());
      assertEquals(overStore, overCopy);
    }
  }
}
