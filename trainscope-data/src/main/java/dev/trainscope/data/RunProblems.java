package dev.trainscope.data;

import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanPosition;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The problems met while reading each run: the latest {@value #MAX_PROBLEMS_PER_RUN} of a run,
 * cleared when a scan shows they no longer hold or the run is read again. Thread-safe.
 */
final class RunProblems {
  private static final int MAX_PROBLEMS_PER_RUN = 100;

  private final Map<String, Deque<Problem>> problems = new ConcurrentHashMap<>();

  /**
   * Clears the problems of a file that a scan that read on without failing shows no longer hold:
   * a failed read, a record the file ended in (now complete), a search for a valid record that had
   * met the end (now found).
   */
  void forgetResolved(String run, String file, ScanPosition next) {
    forget(run, file, p -> p.kind() == Problem.Kind.IO_ERROR
        || (p.kind() == Problem.Kind.TRUNCATED_RECORD && p.offset() < next.offset())
        || (p.kind() == Problem.Kind.CORRUPT_TAIL && !next.resynchronizing()));
  }

  /** Removes the run's problems of {@code file} that match. */
  void forget(String run, String file, java.util.function.Predicate<Problem> which) {
    Deque<Problem> q = problems.get(run);
    if (q != null) {
      synchronized (q) {
        q.removeIf(p -> p.file().equals(file) && which.test(p));
      }
    }
  }

  void record(String run, Problem p) {
    Deque<Problem> q = problems.computeIfAbsent(run, k -> new ArrayDeque<>());
    synchronized (q) {
      // A file being written ends inside a record at nearly every poll, and an unreadable file fails
      // at each: keep the latest such report, lest they push real damage out of the list.
      q.removeIf(o -> o.kind() == p.kind() && o.file().equals(p.file())
          && (o.kind() == Problem.Kind.TRUNCATED_RECORD || o.offset() == p.offset()));
      if (q.size() == MAX_PROBLEMS_PER_RUN) {
        q.removeFirst();
      }
      q.addLast(p);
    }
  }

  /** Forgets the problems of a run: it is gone, or read again from the start. */
  void remove(String run) {
    problems.remove(run);
  }

  /** The most recent problems met while reading a run, oldest first. */
  List<Problem> of(String run) {
    Deque<Problem> q = problems.get(run);
    if (q == null) {
      return List.of();
    }
    synchronized (q) {
      return List.copyOf(q);
    }
  }
}
