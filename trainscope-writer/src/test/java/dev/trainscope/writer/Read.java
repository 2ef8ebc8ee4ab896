package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads what a writer wrote with trainscope-events' scanner, checksums verified. */
final class Read {
  private Read() {}

  /** The events of a file, which must hold no damage and no truncated tail. */
  static List<Event> events(Path file) {
    List<Event> out = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    ScanResult r = scan(file, out, problems);
    assertEquals(List.of(), problems, "problems in " + file);
    assertFalse(r.truncated(), "truncated " + file);
    return out;
  }

  static ScanResult scan(Path file, List<Event> events, List<Problem> problems) {
    try {
      return EventScanner.create().scan(file, new EventHandler() {
        @Override
        public void onEvent(EventView e) {
          events.add(e.decode());
        }

        @Override
        public void onProblem(Problem p) {
          problems.add(p);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The summary values of a tag, in file order, with the step and wall time of their events. */
  record Value(long step, double wallTime, SummaryValue value) {}

  static List<Value> values(Path file, String tag) {
    List<Value> out = new ArrayList<>();
    for (Event e : events(file)) {
      if (e.summary() != null) {
        for (SummaryValue v : e.summary().values()) {
          if (v.tag().equals(tag)) {
            out.add(new Value(e.step(), e.wallTime(), v));
          }
        }
      }
    }
    return out;
  }

  /** Every tag's values, in file order, from one scan. */
  static java.util.Map<String, List<Value>> byTag(Path file) {
    java.util.Map<String, List<Value>> out = new java.util.HashMap<>();
    for (Event e : events(file)) {
      if (e.summary() != null) {
        for (SummaryValue v : e.summary().values()) {
          out.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(new Value(e.step(), e.wallTime(), v));
        }
      }
    }
    return out;
  }

  /** The one event file in a directory (not below it). */
  static Path onlyEventFile(Path dir) {
    List<Path> files = eventFiles(dir);
    assertEquals(1, files.size(), "event files in " + dir + ": " + files);
    return files.get(0);
  }

  static List<Path> eventFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
