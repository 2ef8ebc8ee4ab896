package dev.trainscope.data;

import java.util.Objects;

/**
 * One log directory of a store: a storage and the name its runs are prefixed with ("" for a
 * plain {@code --logdir}).
 */
record Source(String name, Storage storage) {
  Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(storage, "storage");
  }

  /** The run name of a directory of this source ("" for its root). */
  String runName(String dir) {
    if (name.isEmpty()) {
      return dir.isEmpty() ? "." : dir;
    }
    return dir.isEmpty() ? name : name + "/" + dir;
  }
}
