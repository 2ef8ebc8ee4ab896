package dev.trainscope.events;

/**
 * Callbacks of {@link EventScanner}. For each event, {@link #onEvent} comes first, then {@link
 * #onValue} for each of its summary values in order. Implement only what you need; a handler that
 * wants scalars never pays for decoding an image.
 */
public interface EventHandler {
  default void onEvent(EventView event) {}

  default void onValue(EventView event, ValueView value) {}

  /** Damage in the file; the scan goes on past it. */
  default void onProblem(Problem problem) {}
}
