package dev.trainscope.data;

import java.util.Map;

/**
 * Finds a tag's state by name as a training loop logs its tags: the same ones in the same order
 * every step. The scanner hands out one String per distinct tag ({@link
 * dev.trainscope.events.TagStrings}), so the tag that followed the last one last time, and the last
 * one itself, are checked by identity before the map. The store's {@link Ingest} and the export's
 * reader ({@link ScalarExport}) look their tags up this way.
 */
final class TagOrder<T extends TagOrder.Linked<T>> {

  /** A tag's state that remembers (by identity) the tag that came right after it last time. */
  abstract static class Linked<T> {
    String nextName;
    T next;
  }

  private String lastName;
  private T last;

  /** The tag named {@code name} in {@code tags}, or null when there is none yet. */
  T find(String name, Map<String, T> tags) {
    T l = last;
    T t;
    if (l != null && name == l.nextName) {
      t = l.next;
    } else if (name == lastName) {
      t = l;
    } else {
      t = tags.get(name);
      if (t == null) {
        return null;
      }
      if (l != null) {
        l.nextName = name;
        l.next = t;
      }
    }
    lastName = name;
    last = t;
    return t;
  }

  /** A tag just added to the map, as the last one seen. */
  void added(String name, T t) {
    lastName = name;
    last = t;
  }

  /** Forgets the last tag, when the map is read again from the start. */
  void forget() {
    lastName = null;
    last = null;
  }
}
