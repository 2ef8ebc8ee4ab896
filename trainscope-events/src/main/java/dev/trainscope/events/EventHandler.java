package dev.trainscope.events;

/**
 * Callbacks of {@link EventScanner}. For each event, {@link #onEvent} comes first, then {@link
 * #onValue} for each of its summary values in order. Implement only what you need; a handler that
 * wants scalars never pays for decoding an image.
 */
public interface EventHandler {
  default void onEvent(EventView event) {}

  default void onValue(EventView event, ValueView value) {}

  /**
   * A fast path for the commonest event of a training log, one scalar value with no metadata (see
   * the scanner's shortcut): the scanner offers it here first, as plain numbers, and calls {@link
   * #onEvent} and {@link #onValue} with views only when this returns false. A handler that returns
   * false must have changed nothing, since it then sees the same event again as views.
   *
   * @param tensor true for a rank-0 float tensor value, false for a {@code simple_value}
   */
  default boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
    return false;
  }

  /** Damage in the file; the scan goes on past it. */
  default void onProblem(Problem problem) {}
}
