package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The causes, each on the evidence a writer leaves when it logs no gradients or activations, and
 * on its healthy look-alike; and the verdicts that put a cause before its symptoms.
 */
class CausesTest {
  @TempDir
  Path dir;

  static List<Examination> examine(RunStore store) {
    return Doctor.defaults().examine(store);
  }

  static Examination of(List<Examination> exams, String subject) {
    return exams.stream().filter(e -> e.subject().equals(subject)).findFirst().orElseThrow();
  }

  static Verdict verdict(RunStore store, String subject) {
    return of(examine(store), subject).verdict();
  }

  static List<String> rules(Examination e) {
    return e.findings().stream().map(Finding::rule).distinct().sorted().toList();
  }

  /** A 10-class output layer's bias, so that the rules know K; and a first hidden layer's weights. */
  static LogBuilder network(LogBuilder b, String run, long step, double firstLayerStd) {
    return b.histogramOf(run, "fc1.weight", step, LogBuilder.normal(7840, 0, firstLayerStd, 1))
        .histogramOf(run, "fc1.bias", step, LogBuilder.normal(10, 0, 0.02, 2))
        .histogramOf(run, "fc2.weight", step, LogBuilder.normal(100, 0, 0.1, 3))
        .histogramOf(run, "fc2.bias", step, LogBuilder.normal(10, 0, 0.02, 4));
  }

  @Test
  void soundStartThenBlowUp_isTheLearningRate_withTheDeadUnitsAndChanceLevelAsConsequences() throws Exception {
    Random r = new Random(1);
    LogBuilder b = new LogBuilder(dir)
        .scalar("lr-high", "train/loss", 0, 600, s -> s == 0 ? 2.30 : s == 1 ? 48 : 2.3026 + 0.002 * r.nextGaussian())
        .scalar("lr-high", "val/accuracy", 0, 6, s -> 0.1 + 0.005 * (s % 2))
        .scalar("lr-high", "dead_units/fc1", 0, 60, s -> s == 0 ? 0.1 : 1.0);
    network(b, "lr-high", 0, 0.05);
    try (RunStore store = b.store()) {
      Verdict v = verdict(store, "lr-high");
      assertEquals("lr-too-high", v.root().rule());
      assertTrue(v.root().summary().contains("the loss jumped to 48.00 at step 1 (20.87 times its first value)"),
          v.root().summary());
      List<String> consequences = v.consequences().stream().map(Finding::rule).toList();
      assertTrue(consequences.containsAll(List.of("dead-relu", "chance-level", "loss-surge")), consequences.toString());
      assertEquals(List.of(), v.others(), "nothing left unexplained");
      // no advice in the verdict that contradicts the root: the stall's "raise the learning rate" is not shown
      assertFalse(v.root().suggestion().contains("raise"), v.root().suggestion());
    }
  }

  @Test
  void aLossThatStartsLowOnAnEasyBatchAndClimbsToChance_isNoBlowUp() throws Exception {
    // sorted data: the first batches are all one class, easy; the loss climbs back to ln 10 when it changes
    LogBuilder b = new LogBuilder(dir).scalar("sorted", "train/loss", 0, 300, s -> s % 100 < 10 ? 3.5 : 0.05);
    network(b, "sorted", 0, 0.05);
    try (RunStore store = b.store()) {
      assertFalse(rules(of(examine(store), "sorted")).contains("lr-too-high"));
    }
  }

  @Test
  void brokenStartThenNaN_isExplodingGradients_notTheLearningRate() throws Exception {
    LogBuilder b = new LogBuilder(dir).scalar("exploding", "train/loss", 0, 30, s -> s < 12 ? 1.5e6 * (s + 1) : Double.NaN);
    network(b, "exploding", 0, 0.05);
    try (RunStore store = b.store()) {
      Verdict v = verdict(store, "exploding");
      assertEquals("exploding-gradients", v.root().rule());
      assertTrue(v.root().summary().contains("the first logged loss is 1.50e+06"), v.root().summary());
      assertTrue(v.consequences().stream().anyMatch(f -> f.rule().equals("nan-loss")));
    }
  }

  @Test
  void weightsThatBarelyMove_whileGradientsFlow_isALearningRateTooLow_butFadedGradientsAreVanishing() throws Exception {
    Random r = new Random(2);
    LogBuilder b = new LogBuilder(dir)
        .scalar("slow", "train/loss", 0, 300, s -> 2.31 - 0.0001 * s + 0.01 * r.nextGaussian())
        .scalar("slow", "grad_norm/fc1.weight", 0, 300, s -> 0.9)
        .scalar("slow", "grad_norm/fc2.weight", 0, 300, s -> 0.5)
        .scalar("faded", "train/loss", 0, 300, s -> 2.31 - 0.0001 * s + 0.01 * r.nextGaussian())
        .scalar("faded", "grad_norm/fc1.weight", 0, 300, s -> 1e-8)
        .scalar("faded", "grad_norm/fc2.weight", 0, 300, s -> 0.5);
    for (String run : List.of("slow", "faded")) {
      network(b, run, 0, 0.05);
      network(b, run, 299, 0.05); // the same weights at the end
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Verdict slow = of(exams, "slow").verdict();
      assertEquals("lr-too-low", slow.root().rule());
      assertTrue(slow.root().basis().contains("weight histograms"), slow.root().basis());
      assertEquals("vanishing-gradients", of(exams, "faded").verdict().root().rule());
      assertFalse(rules(of(exams, "faded")).contains("lr-too-low"), "no learning rate reaches a layer without gradient");
    }
  }

  @Test
  void validationAtChanceWhileTrainingLearns_isLabelsThatDoNotMatch_butOverfittingIsNot() throws Exception {
    LogBuilder b = new LogBuilder(dir)
        .scalar("random-labels", "train/loss", 0, 500, s -> 2.35 * Math.exp(-s / 120.0) + 0.05)
        .scalar("random-labels", "val/accuracy", 0, 10, s -> 0.1 + 0.02 * Math.sin(s))
        .scalar("random-labels", "val/loss", 0, 10, s -> 2.3 + 0.5 * s)
        .scalar("overfit", "train/loss", 0, 500, s -> 2.35 * Math.exp(-s / 120.0) + 0.01)
        .scalar("overfit", "val/accuracy", 0, 10, s -> Math.min(0.83, 0.5 + 0.1 * s))
        .scalar("overfit", "val/loss", 0, 10, s -> 0.6 + 0.03 * (s - 4) * (s - 4));
    network(b, "random-labels", 0, 0.05);
    network(b, "overfit", 0, 0.05);
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Verdict random = of(exams, "random-labels").verdict();
      assertEquals("labels-mismatch", random.root().rule());
      assertTrue(random.consequences().stream().anyMatch(f -> f.rule().equals("chance-level")), random.toString());
      assertFalse(rules(of(exams, "overfit")).contains("labels-mismatch"));
    }
  }

  @Test
  void aSawToothWithTheEpochsPeriod_isUnshuffledData_butShuffledNoiseOfTheSameRangeIsNot() throws Exception {
    Random r = new Random(3);
    LogBuilder b = new LogBuilder(dir);
    for (String run : List.of("sorted", "shuffled")) {
      for (long s = 9; s < 800; s += 10) {
        b.scalarAt(run, "epoch", s, s / 160);
        // sorted: each class lasts 16 steps, its first batches lose much, then little
        double pos = (s % 160) % 16;
        b.scalarAt(run, "train_loss_step", s, run.equals("sorted") ? (pos < 4 ? 3.5 : 0.02) : Math.exp(Math.log(0.02)
            + r.nextDouble() * Math.log(175)));
      }
      network(b, run, 0, 0.05);
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      assertEquals("unshuffled-data", of(exams, "sorted").verdict().root().rule());
      assertFalse(rules(of(exams, "shuffled")).contains("unshuffled-data"), rules(of(exams, "shuffled")).toString());
    }
  }

  @Test
  void weightsLoggedOnlyAfterTheLossBlewUp_doNotTellTheStart_soTheLearningRateStaysTheCause() throws Exception {
    // Lightning-like: a loss every 10 steps that surges to 64 at step 59; the weights' only histograms,
    // at the last step, are the wreck (std 67 for a fan-in of 256), not the start
    double[] loss = {2.63, 3.84, 2.45, 2.5, 2.4, 63.65, 2.40, 2.33};
    LogBuilder b = new LogBuilder(dir);
    for (String run : List.of("wrecked", "wide-start")) {
      for (int i = 0; i < loss.length; i++) {
        b.scalarAt(run, "train_loss_step", 9 + 10 * i, loss[i]);
      }
      long at = run.equals("wrecked") ? 79 : 0; // the other logged the same wide weights at its start
      b.histogramOf(run, "model.1.weight", at, LogBuilder.normal(256 * 784, 0, 67, 1))
          .histogramOf(run, "model.1.bias", at, LogBuilder.normal(256, 0, 0.05, 2))
          .histogramOf(run, "model.3.weight", at, LogBuilder.normal(10 * 256, 0, 67, 3))
          .histogramOf(run, "model.3.bias", at, LogBuilder.normal(10, 0, 0.05, 4));
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      assertEquals("lr-too-high", of(exams, "wrecked").verdict().root().rule(), of(exams, "wrecked").verdict().toString());
      assertFalse(rules(of(exams, "wide-start")).contains("lr-too-high"), "a start that wide is no learning-rate fault: "
          + rules(of(exams, "wide-start")));
    }
  }

  @Test
  void twoSortedEpochsEvaluatedAtTheirEnds_areUnshuffledData_whichExplainsTheValidationAtChance() throws Exception {
    // no epoch counter; an evaluation at the end of each of two epochs of 160 steps, on the global step
    Random r = new Random(5);
    LogBuilder b = new LogBuilder(dir);
    for (String run : List.of("sorted", "shuffled")) {
      for (long s = 0; s < 320; s++) {
        double pos = (s % 160) % 16; // sorted: each class lasts 16 steps, its first batches lose much
        double loss = run.equals("sorted") ? (pos < 3 ? 2.5 : 0.01) : 0.3 * Math.exp(0.5 * r.nextGaussian());
        b.scalarAt(run, "Loss/train", s, loss);
      }
      b.scalarAt(run, "Loss/val", 159, run.equals("sorted") ? 4.2 : 0.35)
          .scalarAt(run, "Loss/val", 319, run.equals("sorted") ? 3.8 : 0.3)
          .scalarAt(run, "Accuracy/val", 159, run.equals("sorted") ? 0.098 : 0.9)
          .scalarAt(run, "Accuracy/val", 319, run.equals("sorted") ? 0.097 : 0.92);
      network(b, run, 0, 0.05);
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Verdict sorted = of(exams, "sorted").verdict();
      assertEquals("unshuffled-data", sorted.root().rule(), sorted.toString());
      assertTrue(sorted.others().isEmpty(), "validation at chance follows from the sorted data: " + sorted);
      assertFalse(rules(of(exams, "shuffled")).contains("unshuffled-data"), rules(of(exams, "shuffled")).toString());
    }
  }

  @Test
  void kerasEpochLossesOfARepeatedBatch_areARepeatedBatch_butOverfittingASmallSetIsNot() throws Exception {
    // Keras logs the training loss as an epoch mean, which holds the first epoch's learning: the one
    // batch is by heart only from the second evaluation on; the small set is learnt over many epochs
    double[] repeatTrain = {0.52, 0.0058, 0.0017};
    double[] repeatVal = {1.27, 1.45, 1.56};
    double[] repeatAcc = {0.686, 0.695, 0.694};
    LogBuilder b = new LogBuilder(dir);
    for (int e = 0; e < 3; e++) {
      b.scalarAt("repeat/train", "epoch_loss", e, repeatTrain[e])
          .scalarAt("repeat/validation", "epoch_loss", e, repeatVal[e])
          .scalarAt("repeat/validation", "epoch_accuracy", e, repeatAcc[e]);
    }
    for (int e = 0; e < 40; e++) {
      b.scalarAt("small/train", "epoch_loss", e, 2.0 * Math.exp(-e / 4.0) + 0.001)
          .scalarAt("small/validation", "epoch_loss", e, 1.2 - 0.5 * Math.min(e, 8) / 8.0 + 0.02 * Math.max(0, e - 8))
          .scalarAt("small/validation", "epoch_accuracy", e, 0.5 + 0.3 * Math.min(e, 10) / 10.0);
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      assertEquals("repeated-batches", of(exams, "repeat").verdict().root().rule());
      assertFalse(rules(of(exams, "small")).contains("repeated-batches"), rules(of(exams, "small")).toString());
    }
  }

  @Test
  void allWeightsOfALayerEqual_isASymmetricStart_butZeroBiasesAreNot() throws Exception {
    double[] spike = new double[5000];
    java.util.Arrays.fill(spike, -0.0157);
    LogBuilder b = new LogBuilder(dir)
        .scalar("zero", "train/loss", 0, 100, s -> 2.3 - 0.003 * s)
        .histogramOf("zero", "fc1.weight", 0, LogBuilder.normal(7840, 0, 0.002, 1))
        .histogramOf("zero", "fc1.bias", 0, new double[100])
        .histogramOf("zero", "fc2.weight", 0, spike)
        .histogramOf("zero", "fc2.bias", 0, new double[50])
        .scalar("healthy", "train/loss", 0, 100, s -> 2.3 * Math.exp(-s / 30.0) + 0.05)
        .histogramOf("healthy", "fc1.weight", 0, LogBuilder.normal(7840, 0, 0.05, 1))
        .histogramOf("healthy", "fc1.bias", 0, new double[100])
        // batch normalisation's scale starts at 1 for every channel, as it should: PyTorch calls it a weight
        .histogramOf("healthy", "bn1.weight", 0, ones(100))
        .histogramOf("healthy", "bn1.bias", 0, new double[100]);
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "zero").verdict().root();
      assertEquals("symmetric-init", f.rule());
      assertEquals("fc2", f.layer());
      assertTrue(of(exams, "healthy").verdict().healthy(), of(exams, "healthy").findings().toString());
    }
  }

  static double[] ones(int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, 1.0);
    return v;
  }

  @Test
  void activationsThatAreAllZero_areDead_butAHealthyReluHalfZeroIsNot() throws Exception {
    double[] half = LogBuilder.normal(20000, 0, 1, 5);
    for (int i = 0; i < half.length; i++) {
      half[i] = Math.max(0, half[i]);
    }
    LogBuilder b = new LogBuilder(dir)
        .scalar("dead", "train/loss", 0, 100, s -> 2.3026)
        .histogramOf("dead", "activations/model.1", 0, new double[20000])
        .histogramOf("alive", "activations/model.1", 0, half);
    network(b, "dead", 0, 0.05);
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "dead").verdict().root();
      assertEquals("dead-relu", f.rule());
      assertEquals("activation histograms", f.basis());
      assertFalse(rules(of(exams, "alive")).contains("dead-relu"));
    }
  }

  @Test
  void tanhOutputsPressedAgainstTheBounds_areSaturated_butAXavierTanhIsNot() throws Exception {
    double[] pressed = LogBuilder.normal(20000, 0, 30, 6);
    double[] xavier = LogBuilder.normal(20000, 0, 0.8, 7);
    for (int i = 0; i < pressed.length; i++) {
      pressed[i] = Math.tanh(pressed[i]);
      xavier[i] = Math.tanh(xavier[i]);
    }
    try (RunStore store = new LogBuilder(dir)
        .histogramOf("saturated", "activations/fc1/post", 0, pressed)
        .histogramOf("xavier", "activations/fc1/post", 0, xavier)
        .store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "saturated").verdict().root();
      assertEquals("saturated-activations", f.rule());
      assertTrue(f.evidence().get("fraction_at_bounds") > 0.9, f.evidence().toString());
      assertTrue(of(exams, "xavier").verdict().healthy(), of(exams, "xavier").findings().toString());
    }
  }

  @Test
  void hugeFirstLayerOutputs_fromNormalWeights_areUnnormalisedInputs_butFromWideWeightsAreNot() throws Exception {
    double[] wide = LogBuilder.normal(20000, 0, 80, 8);
    for (int i = 0; i < wide.length; i++) {
      wide[i] = Math.max(0, wide[i]);
    }
    LogBuilder b = new LogBuilder(dir)
        .histogramOf("raw", "activations/model.1", 0, wide)
        .histogramOf("raw", "model.0.weight", 0, LogBuilder.normal(78400, 0, 0.02, 1))
        .histogramOf("raw", "model.0.bias", 0, LogBuilder.normal(100, 0, 0.02, 2))
        .histogramOf("wide-init", "activations/model.1", 0, wide)
        .histogramOf("wide-init", "model.0.weight", 0, LogBuilder.normal(78400, 0, 1.5, 1))
        .histogramOf("wide-init", "model.0.bias", 0, LogBuilder.normal(100, 0, 0.02, 2));
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "raw").verdict().root();
      assertEquals("unnormalized-inputs", f.rule());
      assertTrue(f.basis().startsWith("first layer's activations"), f.basis());
      assertFalse(rules(of(exams, "wide-init")).contains("unnormalized-inputs"), rules(of(exams, "wide-init")).toString());
    }
  }

  @Test
  void theSameInputHistogramAtEveryStep_isARepeatedBatch_butFreshBatchesAreNot() throws Exception {
    LogBuilder b = new LogBuilder(dir);
    for (long s = 0; s < 500; s += 50) {
      b.histogramOf("same", "input/batch", s, LogBuilder.normal(6400, 0, 1, 42));
      b.histogramOf("fresh", "input/batch", s, LogBuilder.normal(6400, 0, 1, s));
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "same").verdict().root();
      assertEquals("repeated-batches", f.rule());
      assertEquals("input histograms", f.basis());
      assertTrue(of(exams, "fresh").verdict().healthy());
    }
  }

  @Test
  void theSameTrainingBatchPictured_isARepeatedBatch_butAFixedSetOfSamplesIsNot() throws Exception {
    LogBuilder b = new LogBuilder(dir);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    for (long s = 0; s < 500; s += 50) {
      b.image("same", "train/batch", s, png);
      b.image("samples", "input/samples", s, png); // the same examples every epoch, on purpose
      b.scalarAt("same", "loss", s, 2.3 * Math.exp(-s / 100.0));
      b.scalarAt("samples", "loss", s, 2.3 * Math.exp(-s / 100.0));
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      Finding f = of(exams, "same").verdict().root();
      assertEquals("repeated-batches", f.rule());
      assertEquals("input images", f.basis());
      assertTrue(of(exams, "samples").verdict().healthy(), of(exams, "samples").findings().toString());
    }
  }

  @Test
  void aTrainingLossCollapsingWhileValidationStays_isARepeatedBatch_butAHealthyFitIsNot() throws Exception {
    LogBuilder b = new LogBuilder(dir)
        .scalar("repeat", "train/loss", 0, 400, s -> 1.3 * Math.exp(-s / 10.0) + 3e-5)
        .scalar("fit", "train/loss", 0, 400, s -> 2.3 * Math.exp(-s / 60.0) + 0.08);
    for (int e = 1; e <= 4; e++) { // an evaluation after each epoch of 100 steps
      b.scalarAt("repeat", "val/accuracy", 100 * e - 1, 0.60 + 0.003 * e)
          .scalarAt("repeat", "val/loss", 100 * e - 1, 2.68 + 0.08 * e)
          .scalarAt("fit", "val/accuracy", 100 * e - 1, 0.9 + 0.02 * e)
          .scalarAt("fit", "val/loss", 100 * e - 1, 0.3 - 0.04 * e);
    }
    try (RunStore store = b.store()) {
      List<Examination> exams = examine(store);
      assertEquals("repeated-batches", of(exams, "repeat").verdict().root().rule());
      assertTrue(of(exams, "fit").verdict().healthy(), of(exams, "fit").findings().toString());
    }
  }

  @Test
  void coverage_tellsHealthyFromNotChecked() throws Exception {
    try (RunStore store = new LogBuilder(dir).scalar("bare", "loss", 0, 100, s -> 2.3 * Math.exp(-s / 30.0)).store()) {
      Examination e = of(examine(store), "bare");
      assertTrue(e.verdict().healthy());
      assertNull(e.verdict().root());
      assertEquals(Coverage.Status.NOT_CHECKED, e.coverage().get("dead-relu").status());
      assertEquals("no per-layer activations, gradients or biases logged", e.coverage().get("dead-relu").detail());
      assertEquals(Coverage.Status.NOT_CHECKED, e.coverage().get("vanishing-gradients").status());
      assertEquals(Coverage.Status.CHECKED, e.coverage().get("lr-too-high").status());
    }
  }
}
