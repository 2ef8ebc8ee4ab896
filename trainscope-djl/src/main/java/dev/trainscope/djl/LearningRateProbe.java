package dev.trainscope.djl;

import ai.djl.training.tracker.Tracker;
import dev.trainscope.events.meaning.Role;

/** The learning rate the optimizer's tracker gives for each step, when the builder was given it. */
final class LearningRateProbe extends Probe {
  private final Tracker tracker;

  LearningRateProbe(Tracker tracker) {
    super("learning rate", Logged.LEARNING_RATE, Cadence.SCALARS);
    this.tracker = tracker;
  }

  @Override
  boolean enabled() {
    return tracker != null;
  }

  @Override
  void begin(Context c) {
    c.describe(TagNames.LEARNING_RATE, "learning rate", "The learning rate the optimizer used at each step.",
        Role.LEARNING_RATE, "train", null, null);
  }

  @Override
  void step(Context c, Step s) {
    // DJL's optimizers ask the tracker for update number s + 1 at step s.
    c.log.scalar(TagNames.LEARNING_RATE, tracker.getNewValue(Math.toIntExact(s.step + 1)), s.step);
  }
}
