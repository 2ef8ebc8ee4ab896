package dev.trainscope.server;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.Problem;
import dev.trainscope.events.ValueKind;
import dev.trainscope.events.ValueView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads event files with the events module's scanner, apart from the run store, so that what a
 * page shows is compared with the files themselves and not with the code that served it.
 */
final class EventFiles {
  private EventFiles() {}

  /** The scalar points of a tag in file order: steps and values. */
  record Points(long[] steps, double[] values) {
    int size() {
      return steps.length;
    }
  }

  static Points scalars(Path file, String tag) throws IOException {
    List<long[]> steps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    EventScanner.create().scan(file, new EventHandler() {
      @Override
      public void onValue(EventView event, ValueView value) {
        if (value.tag().equals(tag) && value.isScalar()) {
          steps.add(new long[] {event.step()});
          values.add(value.scalar());
        }
      }

      @Override
      public void onProblem(Problem problem) {
        throw new AssertionError(file + ": " + problem);
      }
    });
    long[] s = new long[steps.size()];
    double[] v = new double[values.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = steps.get(i)[0];
      v[i] = values.get(i);
    }
    return new Points(s, v);
  }

  /** The encoded image (a PNG) an old-style image summary of a tag holds at a step. */
  static byte[] image(Path file, String tag, long step) throws IOException {
    return value(file, tag, step, ValueKind.IMAGE, v -> v.image().encodedImage());
  }

  /** The tensor a tag holds at a step. */
  static dev.trainscope.events.proto.TensorProto tensor(Path file, String tag, long step) throws IOException {
    return value(file, tag, step, ValueKind.TENSOR, ValueView::tensor);
  }

  /** The encoded clip an old-style audio summary of a tag holds at a step. */
  static byte[] audio(Path file, String tag, long step) throws IOException {
    return value(file, tag, step, ValueKind.AUDIO, v -> v.audio().encodedAudio());
  }

  /** What {@code read} takes from the value of a tag of the given kind at a step (the last one in the file). */
  private static <T> T value(Path file, String tag, long step, ValueKind kind,
      java.util.function.Function<ValueView, T> read) throws IOException {
    List<T> found = new ArrayList<>();
    EventScanner.create().scan(file, new EventHandler() {
      @Override
      public void onValue(EventView event, ValueView value) {
        if (value.tag().equals(tag) && event.step() == step && value.kind() == kind) {
          found.add(read.apply(value));
        }
      }
    });
    if (found.isEmpty()) {
      throw new AssertionError("no " + kind + " of " + tag + " at step " + step + " in " + file);
    }
    return found.get(found.size() - 1);
  }
}
