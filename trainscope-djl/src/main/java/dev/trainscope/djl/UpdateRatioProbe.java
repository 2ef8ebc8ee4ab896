package dev.trainscope.djl;

import ai.djl.ndarray.NDManager;
import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;
import java.util.HashMap;
import java.util.Map;

/**
 * Each parameter's update/weight ratio {@code ||w after - w before|| / ||w before||}: the weights
 * are kept at a scalar step (before the optimizer's step), compared with those at the next batch,
 * the end of the epoch or of training (whatever the optimizer), and the ratio logged at the step
 * of the update.
 */
final class UpdateRatioProbe extends Probe {
  /** Weights before the update of {@link #pending}, per parameter. */
  private final Map<Param, float[]> before = new HashMap<>();
  private long pending = -1;

  UpdateRatioProbe() {
    super("update ratios", Logged.UPDATES, Cadence.EVERY_STEP);
  }

  @Override
  void start(Context c, Step s) {
    for (Param p : c.network.params()) {
      String param = p.tagName();
      c.describe(TagNames.updateRatio(param), "update/weight ratio " + param,
          "||w after - w before|| / ||w before|| of " + describedAs(p) + " for the optimizer's step: how much one"
              + " update changes the weights (about 1e-3 is the usual rule of thumb).",
          Role.UPDATE_RATIO, "train", p.layer().name, p.name());
    }
  }

  @Override
  void step(Context c, Step s) {
    boolean resolve = pending >= 0;
    boolean snapshot = s.due(Cadence.SCALARS);
    if (!(resolve || snapshot)) {
      return;
    }
    for (Param p : c.network.params()) {
      float[] now = s.weights(p);
      if (resolve) {
        log(c, p, now);
      }
      if (snapshot) {
        before.put(p, now);
      }
    }
    pending = snapshot ? s.step : -1;
  }

  @Override
  void epoch(Context c, int validationBatches, NDManager scope) {
    if (pending < 0 || c.network == null) {
      return;
    }
    for (Param p : c.network.params()) {
      log(c, p, floats(p.parameter().getArray(), scope));
    }
    pending = -1;
    before.clear();
  }

  @Override
  void end(Context c, Step s) {
    if (pending < 0) {
      return;
    }
    for (Param p : c.network.params()) {
      log(c, p, s.weights(p));
    }
    pending = -1;
    before.clear();
  }

  private void log(Context c, Param p, float[] after) {
    float[] b = before.get(p);
    double norm = b == null ? 0 : Stats.l2(b);
    // a parameter that is all zero (a bias at its start) has no ratio: logging one would be infinite
    if (b != null && b.length == after.length && norm > 0) {
      c.log.scalar(TagNames.updateRatio(p.tagName()), Stats.l2Distance(after, b) / norm, pending);
    }
  }
}
