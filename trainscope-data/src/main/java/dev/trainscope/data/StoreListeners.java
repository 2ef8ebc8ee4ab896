package dev.trainscope.data;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of a store, and telling them what changed. Thread-safe. */
final class StoreListeners {
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();

  void add(StoreListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  void remove(StoreListener l) {
    listeners.remove(l);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  void tell(java.util.function.Consumer<StoreListener> event) {
    for (StoreListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        // a listener's failure is its own; loading goes on
      }
    }
  }
}
