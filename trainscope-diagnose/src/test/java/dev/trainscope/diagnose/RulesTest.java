package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule on constructed series: the fault it must name, and the healthy look-alike it must not
 * (a loss spike at a learning-rate warm-up restart, noisy but improving validation accuracy, a ReLU
 * layer with 40 % zeros).
 */
class RulesTest {
  @TempDir
  Path dir;

  static List<Finding> diagnose(RunStore store) {
    return Doctor.defaults().diagnose(store);
  }

  static List<String> rules(List<Finding> f) {
    return f.stream().map(Finding::rule).distinct().sorted().collect(Collectors.toList());
  }

  static Finding only(List<Finding> f, String rule) {
    List<Finding> m = f.stream().filter(x -> x.rule().equals(rule)).toList();
    assertEquals(1, m.size(), "findings of " + rule + ": " + f);
    return m.get(0);
  }

  /** A healthy loss: decaying with 5 % noise. */
  static double healthyLoss(long s, Random r) {
    return (2.3 * Math.exp(-s / 150.0) + 0.05) * (1 + 0.05 * r.nextGaussian());
  }

  @Test
  void healthyTraining_hasNoFindings() throws Exception {
    Random r = new Random(1);
    Random r2 = new Random(2);
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "train/loss", 0, 1000, s -> healthyLoss(s, r))
        .scalar("run", "train/lr", 0, 1000, s -> 1e-3)
        .scalar("run", "val/loss", 0, 10, s -> 2.3 * Math.exp(-s * 100 / 150.0) + 0.07 + 0.01 * r2.nextGaussian())
        .scalar("run", "val/accuracy", 0, 10, s -> 0.97 - 0.6 * Math.exp(-s * 0.7))
        .scalar("run", "train/accuracy", 0, 10, s -> 0.98 - 0.6 * Math.exp(-s * 0.7))
        .store()) {
      assertEquals(List.of(), diagnose(store));
    }
  }

  @Test
  void nanLoss_isAnErrorAtItsFirstStep() throws Exception {
    try (RunStore store = new LogBuilder(dir).scalar("run", "loss", 0, 100, s -> s < 60 ? 1.0 / (s + 1) : Double.NaN)
        .store()) {
      Finding f = only(diagnose(store), "nan-loss");
      assertEquals(Severity.ERROR, f.severity());
      assertEquals(60, f.fromStep());
      assertEquals(40.0, f.evidence().get("non_finite_values"));
    }
  }

  @Test
  void divergingLoss_isNamedLearningRateTooHigh() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "train/loss", 0, 400, s -> s < 100 ? 2.0 - s * 0.018 : 0.2 + (s - 100) * 0.01).store()) {
      Finding f = only(diagnose(store), "loss-divergence");
      assertTrue(f.suggestion().contains("learning rate is probably too high"));
      assertTrue(Math.abs(f.fromStep() - 100) <= 15, "began near step 100: " + f.fromStep());
    }
  }

  @Test
  void lossSurgeThatStays_isFound() throws Exception {
    Random r = new Random(3);
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "train/loss", 0, 600, s -> (s >= 300 && s < 340 ? 5.0 : 0.5) * (1 + 0.03 * r.nextGaussian()))
        .scalar("run", "train/lr", 0, 600, s -> 0.1).store()) {
      Finding f = only(diagnose(store), "loss-surge");
      assertEquals(Severity.WARNING, f.severity());
      assertTrue(Math.abs(f.fromStep() - 300) <= 2, "surge at " + f.fromStep());
      assertTrue(f.evidence().get("prolonged") >= 1);
    }
  }

  @Test
  void lossMultiplyingRightAfterTheStart_isASurge() throws Exception {
    // Adam at a far too high rate: 4.9 at step 0, 70 at step 1, then stuck at chance level
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "train/loss", 0, 300, s -> s == 0 ? 4.9 : s == 1 ? 70 : s == 2 ? 22 : s < 10 ? 8 : 2.3)
        .store()) {
      Finding f = only(diagnose(store), "loss-surge");
      assertEquals(1, f.fromStep());
    }
  }

  @Test
  void oneStepBlowUpAtTheStart_thenFlatAtChance_isASurge_butOneHardEarlyBatchIsNot() throws Exception {
    // Adam at 0.05 on the demo's CNN: 2.30 at step 0, 48 at step 1, then every ReLU dead and the loss at ln 10
    Random r = new Random(6);
    try (RunStore store = new LogBuilder(dir)
        .scalar("blown", "train/loss", 0, 750, s -> s == 0 ? 2.303 : s == 1 ? 48.2 : s == 2 ? 2.58 : 2.303 + 0.01 * r.nextGaussian())
        .scalar("hard", "train/loss", 0, 750, s -> s == 1 ? 6.0 : 2.3 * Math.exp(-s / 100.0) + 0.05)
        .store()) {
      List<Finding> found = diagnose(store);
      Finding f = only(found.stream().filter(x -> x.run().equals("blown")).toList(), "loss-surge");
      assertEquals(1, f.fromStep());
      assertEquals(Severity.ERROR, f.severity());
      assertTrue(f.summary().contains("jumped to 48.20 at step 1"), f.summary());
      assertEquals(48.2 / 2.303, f.evidence().get("times_level"), 1e-4);
      assertTrue(found.stream().noneMatch(x -> x.run().equals("hard") && x.rule().equals("loss-surge")), found.toString());
    }
  }

  @Test
  void deadLayersWithZeroGradients_areNotVanishing_andBiasesAreNoLayer() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "grad_norm/conv1", 0, 100, s -> 0.0)
        .scalar("run", "grad_norm/conv1/bias", 0, 100, s -> 0.0)
        .scalar("run", "grad_norm/dense", 0, 100, s -> 0.0)
        .scalar("run", "grad_norm/dense/bias", 0, 100, s -> 0.1)
        .store()) {
      assertTrue(diagnose(store).stream().noneMatch(f -> f.rule().equals("vanishing-gradients")), diagnose(store).toString());
    }
  }

  @Test
  void lossSpikeAtLearningRateWarmupRestart_isNotASurge() throws Exception {
    Random r = new Random(4);
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "train/loss", 0, 600, s -> (s >= 300 && s < 320 ? 3.0 : 0.5) * (1 + 0.03 * r.nextGaussian()))
        .scalar("run", "train/lr", 0, 600, s -> s < 300 ? 1e-4 : 1e-2).store()) {
      assertTrue(diagnose(store).stream().noneMatch(f -> f.rule().equals("loss-surge")), diagnose(store).toString());
    }
  }

  @Test
  void oscillatingAccuracyWithoutGain_isFound() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "val/accuracy", 0, 40, s -> 0.6 + (s % 2 == 0 ? 0.1 : -0.1)).store()) {
      only(diagnose(store), "oscillation");
    }
  }

  @Test
  void noisyButImprovingValidationAccuracy_isNotOscillation() throws Exception {
    Random r = new Random(5);
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "val/accuracy", 0, 40, s -> 0.5 + 0.4 * s / 40 + 0.04 * r.nextGaussian()).store()) {
      assertTrue(diagnose(store).stream().noneMatch(f -> f.rule().equals("oscillation")), diagnose(store).toString());
    }
  }

  @Test
  void flatLoss_isStalled() throws Exception {
    Random r = new Random(6);
    try (RunStore store = new LogBuilder(dir).scalar("run", "train/loss", 0, 500, s -> 2.302 + 0.002 * r.nextGaussian())
        .store()) {
      Finding f = only(diagnose(store), "stalled");
      assertTrue(f.suggestion().contains("learning rate may be too low"));
    }
  }

  @Test
  void validationLossRisingWhileTrainingFalls_isOverfittingFromItsMinimum() throws Exception {
    LogBuilder log = new LogBuilder(dir).scalar("run", "train/loss", 0, 1000, s -> 2.0 * Math.exp(-s / 200.0) + 0.01);
    for (long s = 0; s < 1000; s += 50) { // validation every 50 steps
      log.scalarAt("run", "val/loss", s, 0.6 + Math.pow((s - 400) / 600.0, 2));
    }
    try (RunStore store = log.store()) {
      Finding f = only(diagnose(store), "overfitting");
      assertTrue(Math.abs(f.fromStep() - 400) <= 100, "onset near 400: " + f.fromStep());
    }
  }

  @Test
  void vanishingGradients_areLocalisedToTheFirstLayers() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "grad_norm/layer0", 0, 100, s -> 1e-9)
        .scalar("run", "grad_norm/layer1", 0, 100, s -> 1e-7)
        .scalar("run", "grad_norm/layer2", 0, 100, s -> 1e-2)
        .store()) {
      Finding f = only(diagnose(store), "vanishing-gradients");
      assertEquals("layer0", f.layer());
      assertEquals(2.0, f.evidence().get("layers_faded"));
      assertEquals(0, f.fromStep(), "faded from the start");
    }
  }

  @Test
  void vanishingGradients_beginWhereTheFirstLayerFaded() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "grad_norm/layer0", 0, 200, s -> s < 50 ? 1e-2 : 1e-9)
        .scalar("run", "grad_norm/layer1", 0, 200, s -> 1e-2)
        .store()) {
      assertEquals(50, only(diagnose(store), "vanishing-gradients").fromStep());
    }
  }

  @Test
  void nanGradients_areExploding() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "grad_norm/layer0", 0, 100, s -> s < 80 ? Math.pow(1.2, s) : Double.POSITIVE_INFINITY)
        .scalar("run", "grad_norm/layer1", 0, 100, s -> 1.0)
        .store()) {
      Finding f = only(diagnose(store), "exploding-gradients");
      assertEquals("layer0", f.layer());
      assertEquals(80, f.fromStep());
    }
  }

  @Test
  void deadReluLayer_isFound_butFortyPercentZerosIsHealthy() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("a", "dead_units/conv1", 0, 50, s -> 0.4)
        .scalar("a", "dead_units/conv2", 0, 50, s -> 0.35)
        .scalar("b", "dead_units/conv1", 0, 50, s -> s < 10 ? 0.2 : 0.92)
        .store()) {
      List<Finding> f = diagnose(store);
      Finding dead = only(f, "dead-relu");
      assertEquals("b", dead.run());
      assertEquals("conv1", dead.layer());
      assertEquals(10, dead.fromStep());
    }
  }

  @Test
  void saturatedPreActivations_areFound_butNormalOnesAreNot() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .uniformHistogram("a", "activations/dense1/pre", 0, -20, 20, 100)
        .uniformHistogram("a", "activations/dense1/post", 0, -1, 1, 100) // tanh
        .uniformHistogram("b", "activations/dense1/pre", 0, -2, 2, 100)
        .uniformHistogram("b", "activations/dense1/post", 0, -1, 1, 100)
        // healthy look-alikes: large logits (no nonlinearity after them), and large inputs of a ReLU
        .uniformHistogram("c", "activations/logits/pre", 0, -20, 20, 100)
        .uniformHistogram("d", "activations/dense1/pre", 0, -20, 20, 100)
        .uniformHistogram("d", "activations/dense1/post", 0, 0, 20, 100)
        .store()) {
      Finding f = only(diagnose(store), "saturated-activations");
      assertEquals("a", f.run());
      assertEquals(0.75, f.evidence().get("fraction_beyond"), 1e-9);
    }
  }

  @Test
  void biasesGrowingFromZero_andSmallLateLossBumps_areHealthy() throws Exception {
    Random r = new Random(5);
    LogBuilder b = new LogBuilder(dir)
        // a converging loss whose per-batch noise late in training triples the recent level: not a surge
        .scalar("run", "train/loss", 0, 1500, s -> 2.3 * Math.exp(-s / 100.0) + 0.005
            + (s % 97 == 0 && s > 700 ? 0.06 : 0.002 * Math.abs(r.nextGaussian())));
    for (int st = 0; st <= 10; st++) {
      // biases start at exactly 0 and spread to +-0.08: infinite relative growth, nothing large
      b.uniformHistogram("run", "biases/conv1", st * 100, -0.008 * st, 0.008 * st + 1e-9, 32);
    }
    // per-batch loss near convergence drifting from 0.018 up to 0.05: three times its best, but a few
    // hundredths against a start of 2.3
    b.scalar("late", "train/loss", 0, 1500, s -> s < 1000 ? 2.3 * Math.exp(-s / 100.0) + 0.018
        : 0.018 + (s - 1000) * 0.00007 + 0.003 * Math.abs(r.nextGaussian()));
    try (RunStore store = b.store()) {
      List<Finding> f = diagnose(store);
      assertTrue(f.stream().noneMatch(x -> x.rule().equals("loss-surge") || x.rule().equals("large-weights")
          || x.rule().equals("loss-divergence")), f.toString());
    }
  }

  @Test
  void largeWeights_areFound() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .uniformHistogram("a", "weights/dense1", 0, -0.1, 0.1, 10)
        .uniformHistogram("a", "weights/dense1", 1, -30, 30, 10)
        .store()) {
      assertEquals(30.0, only(diagnose(store), "large-weights").evidence().get("max_abs"), 1e-9);
    }
  }

  @Test
  void updateRatioFarFromOneThousandth_isFound_bothWays() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("high", "update_ratio/dense1", 0, 30, s -> 0.5)
        .scalar("low", "update_ratio/dense1", 0, 30, s -> 1e-8)
        .scalar("ok", "update_ratio/dense1", 0, 30, s -> 1.2e-3)
        .scalar("ok", "update_ratio/dense1/bias", 0, 30, s -> 0.5) // a bias from 0: no rule of thumb
        // a dead layer: no gradient, so no update; dead, not slow (the dead-relu rule's)
        .scalar("dead", "update_ratio/dense1", 0, 30, s -> 0.0)
        .scalar("dead", "grad_norm/dense1", 0, 30, s -> 0.0)
        .store()) {
      List<Finding> f = diagnose(store).stream().filter(x -> x.rule().equals("update-ratio")).toList();
      assertEquals(List.of("high", "low"), f.stream().map(Finding::run).sorted().toList());
    }
  }

  @Test
  void inputFeaturesOnVeryDifferentScales_areFound_similarOnesAreNot() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        // a tabular model fed age in years and income in millions, both centred, next to a ratio
        .uniformHistogram("mixed", "inputs/age", 0, -0.5, 0.5, 100)
        .uniformHistogram("mixed", "inputs/income", 0, -0.004, 0.004, 100)
        .uniformHistogram("mixed", "inputs/ratio", 0, -0.3, 0.3, 100)
        .uniformHistogram("even", "inputs/age", 0, -0.9, 0.9, 100)
        .uniformHistogram("even", "inputs/income", 0, -0.5, 0.5, 100)
        .store()) {
      Finding f = only(diagnose(store), "input-scales");
      assertEquals("mixed", f.run());
      assertEquals(List.of("inputs/age", "inputs/income"), f.tags());
      assertEquals(125.0, f.evidence().get("ratio"), 1e-6);
    }
  }

  @Test
  void rawPixelInputs_areNotNormalised() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .uniformHistogram("raw", "inputs/histogram", 0, 0, 255, 100)
        .uniformHistogram("ok", "inputs/histogram", 0, -1, 1, 100)
        .store()) {
      Finding f = only(diagnose(store), "unnormalized-inputs");
      assertEquals("raw", f.run());
    }
  }

  @Test
  void repeatedBatchFingerprints_areFound() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("same", "inputs/fingerprint", 0, 50, s -> 12345)
        .scalar("fresh", "inputs/fingerprint", 0, 50, s -> s * 7919 % 1000)
        .store()) {
      assertEquals("same", only(diagnose(store), "repeated-batches").run());
    }
  }

  @Test
  void fingerprintsInTheSameOrderEveryEpoch_areAFixedOrder_notARepeatedBatch() throws Exception {
    // 25 distinct batches, fed in the same order four times; beside it, 3 batches fed round and round
    try (RunStore store = new LogBuilder(dir)
        .scalar("fixed", "inputs/fingerprint", 0, 100, s -> (s % 25) * 7919 % 1000)
        .scalar("three", "inputs/fingerprint", 0, 100, s -> 1000 + s % 3)
        .store()) {
      List<Finding> found = diagnose(store);
      assertEquals("three", only(found, "repeated-batches").run());
      Finding order = only(found, "unshuffled-data");
      assertEquals("fixed", order.run());
      assertEquals(Severity.INFO, order.severity());
      assertEquals(25.0, order.evidence().get("batches_per_cycle"));
      assertEquals(25, order.fromStep());
    }
  }

  @Test
  void restartedRun_isInfo() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("run", "x", 0, 100, s -> s)
        .scalar("run", "x", 50, 100, s -> -s)
        .store()) {
      Finding f = only(diagnose(store), "restarted");
      assertEquals(Severity.INFO, f.severity());
      assertEquals(50.0, f.evidence().get("replaced_by_restart"));
    }
  }

  @Test
  void kerasValidationRun_isComparedByTheSameTag_notByItsPerIterationOne() throws Exception {
    // Keras: epoch_accuracy per epoch in train/ and validation/, and in validation/ also an
    // evaluation tag per iteration (other steps) that improves: the epoch tags show the gap
    try (RunStore store = new LogBuilder(dir)
        .scalar("exp/validation", "evaluation_accuracy_vs_iterations", 0, 600, s -> 0.5 + 0.37 * s / 600.0)
        .scalar("exp/train", "epoch_accuracy", 0, 20, s -> Math.min(0.997, 0.75 + s * 0.03))
        .scalar("exp/validation", "epoch_accuracy", 0, 20, s -> Math.min(0.87, 0.84 + s * 0.01))
        .store()) {
      Finding f = only(diagnose(store), "overfitting");
      assertEquals(List.of("epoch_accuracy", "epoch_accuracy"), f.tags());
    }
  }

  @Test
  void kerasTrainAndValidationRuns_areOneSubject() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        .scalar("exp/train", "epoch_loss", 0, 20, s -> 2.0 * Math.exp(-s / 4.0) + 0.01)
        .scalar("exp/validation", "epoch_loss", 0, 20, s -> 0.6 + Math.pow((s - 6) / 8.0, 2))
        .store()) {
      Finding f = only(diagnose(store), "overfitting");
      assertEquals("exp/validation", f.run());
    }
  }

  @Test
  void accuracyGapThatOpenedEarlyAndHeld_isOverfitting_aSmallOneIsNot() throws Exception {
    try (RunStore store = new LogBuilder(dir)
        // a tiny training set: training accuracy reaches 1 within a few epochs, validation stays at 0.85
        .scalar("tiny", "train/accuracy", 0, 200, s -> Math.min(1.0, 0.1 + s * 0.05))
        .scalar("tiny", "val/accuracy", 0, 200, s -> Math.min(0.85, 0.1 + s * 0.04))
        // healthy: both near 0.99
        .scalar("fine", "train/accuracy", 0, 200, s -> Math.min(0.995, 0.1 + s * 0.05))
        .scalar("fine", "val/accuracy", 0, 200, s -> Math.min(0.985, 0.1 + s * 0.04))
        .store()) {
      Finding f = only(diagnose(store), "overfitting");
      assertEquals("tiny", f.run());
    }
  }
}
