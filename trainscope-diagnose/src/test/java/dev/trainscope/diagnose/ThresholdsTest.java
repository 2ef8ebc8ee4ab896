package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed thresholds keep the names, defaults and order the settings by name had. */
class ThresholdsTest {
  /** Every threshold's name and default as they were before {@link Threshold} existed, in order. */
  private static final Object[] BY_NAME = {
      "vanishing.ratio", 1e-3, "vanishing.norm", 1e-4, "exploding.ratio", 70.0,
      "exploding.growth", 1e3, "dead.fraction", 0.7, "oscillation.amplitude", 0.03,
      "oscillation.rate", 0.2, "oscillation.blocks", 50.0, "stall.accuracyDelta", 0.01,
      "stall.lossImprovement", 0.01, "stall.slowPoints", 200.0, "stall.slowImprovement", 0.25,
      "loss.max", 1e5, "surge.mads", 10.0, "surge.factor", 2.0,
      "surge.window", 20.0, "surge.minRise", 0.25, "surge.earlyFactor", 5.0,
      "divergence.factor", 2.0, "divergence.minRise", 0.25, "overfit.rise", 0.1,
      "overfit.gapLow", 0.1, "overfit.gapHigh", 0.07, "weights.max", 5.0,
      "weights.growth", 10.0, "weights.growthFloor", 1.0, "update.low", 1e-5,
      "update.high", 1e-1, "saturation.bound", 5.0, "saturation.fraction", 0.3,
      "saturation.outputBound", 1.0001, "inputs.mean", 1.0, "inputs.max", 10.0,
      "inputs.scaleRatio", 100.0, "repeat.fraction", 0.5, "repeat.cycleBatches", 10.0,
      "repeat.valOverTrain", 5.0, "repeat.collapse", 0.01, "repeat.valGain", 0.03,
      "start.lossFactor", 20.0, "start.lossMax", 50.0, "start.gradNorm", 50.0,
      "init.large", 2.5, "saturation.initScale", 10.0, "saturation.edge", 0.03,
      "saturation.postFraction", 0.5, "saturation.eachBound", 0.1, "dead.zeroShare", 0.95,
      "dead.biasMax", -1.0, "vanishing.minMove", 1e-3, "stall.movementImprovement", 0.1,
      "lrlow.movement", 0.05, "inputs.lossFactor", 20.0, "inputs.activationMax", 50.0,
      "chance.accuracy", 1.5, "chance.loss", 0.03, "labels.bestAccuracy", 2.0,
      "labels.endAccuracy", 1.6, "labels.trainDrop", 0.4, "unshuffled.swing", 10.0,
      "unshuffled.correlation", 0.6, "unshuffled.gap", 0.3, "unshuffled.firstAccuracy", 0.1,
      "symmetric.range", 1e-6
  };

  @Test
  void defaults_areTheNamedSettingsOfBefore_inTheirOrder() {
    Map<String, Double> expected = new LinkedHashMap<>();
    for (int i = 0; i < BY_NAME.length; i += 2) {
      expected.put((String) BY_NAME[i], ((Number) BY_NAME[i + 1]).doubleValue());
    }
    Thresholds d = Thresholds.defaults();
    assertEquals(expected, d.all());
    assertEquals(expected.keySet().stream().toList(), d.all().keySet().stream().toList(), "order");
    for (Threshold t : Threshold.values()) {
      assertEquals(t.defaultValue(), d.get(t), t.id());
      assertEquals(d.get(t), d.get(t.id()), t.id());
    }
  }

  @Test
  void with_changesOneByName_andRefusesUnknownNamesAndNonFiniteValues() {
    Thresholds t = Thresholds.defaults().with(java.util.List.of("surge.window=30", " dead.biasMax = -2"));
    assertEquals(30.0, t.get(Threshold.SURGE_WINDOW));
    assertEquals(-2.0, t.get(Threshold.DEAD_BIAS_MAX));
    assertEquals(20.0, Thresholds.defaults().get(Threshold.SURGE_WINDOW), "the defaults stay");
    assertEquals("no threshold named 'surge.size'",
        assertThrows(IllegalArgumentException.class, () -> Thresholds.defaults().with("surge.size", 1)).getMessage());
    assertEquals("threshold surge.window must be a finite number, was NaN",
        assertThrows(IllegalArgumentException.class, () -> Thresholds.defaults().with("surge.window", Double.NaN))
            .getMessage());
  }
}
