package dev.trainscope.djl;

import ai.djl.ndarray.NDManager;
import dev.trainscope.events.meaning.Role;

/** Training steps per second over the last {@link #WINDOW} steps, validation passes excluded. */
final class SpeedProbe extends Probe {
  /** Steps per second are averaged over this many steps. */
  static final int WINDOW = 20;
  private final long[] times = new long[WINDOW + 1];
  private int count;

  SpeedProbe() {
    super("speed", Logged.SPEED, Cadence.EVERY_STEP);
  }

  @Override
  void begin(Context c) {
    c.describe(TagNames.STEPS_PER_SEC, "steps per second",
        "Training steps per second, over the last " + WINDOW + " steps (validation passes excluded).",
        Role.STEPS_PER_SEC, "train", null, null);
  }

  @Override
  void step(Context c, Step s) {
    if (count == times.length) {
      System.arraycopy(times, 1, times, 0, times.length - 1);
      count--;
    }
    times[count++] = s.startNanos;
    if (s.due(Cadence.SCALARS) && count >= 2) {
      double seconds = (times[count - 1] - times[0]) / 1e9;
      c.log.scalar(TagNames.STEPS_PER_SEC, (count - 1) / seconds, s.step);
    }
  }

  @Override
  void epoch(Context c, int validationBatches, NDManager scope) {
    count = 0; // the validation pass is not training time
  }
}
