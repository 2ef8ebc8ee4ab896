package dev.trainscope.data;

/**
 * Hears what changes in a {@link LogdirData}, for live updates. Calls come from the store's loader
 * threads after each chunk of data, so a listener must be quick and thread-safe; one that throws
 * is ignored for that call.
 */
public interface StoreListener {
  default void runAdded(String run) {}

  default void runRemoved(String run) {}

  /** A run was read again from the start, as a file of it was replaced or shrank. */
  default void runReset(String run) {}

  default void tagAdded(String run, TagInfo tag) {}

  /** New values arrived for a tag; {@code lastStep} is its highest step now. */
  default void stepsAdded(String run, String tag, long lastStep) {}

  default void progress(LoadProgress progress) {}
}
