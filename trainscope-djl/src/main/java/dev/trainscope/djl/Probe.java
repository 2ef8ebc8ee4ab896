package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.SummaryWriter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One thing {@link TrainscopeListener} logs: a metric, a family of histograms, a picture. Each
 * probe names the {@link Logged} switch that turns it on, the {@link Cadence}s of the training
 * steps it runs at, and describes every tag it writes ({@link Context#describe}) before it writes
 * it; the listener calls it at those steps, after validation batches and epochs, and times each
 * call. Adding a metric is one subclass, added to the list in {@link TrainscopeListener}.
 *
 * <p>Every hook runs on the training thread; arrays made on the way belong to the step's scope,
 * closed after the call.
 */
abstract class Probe {
  /** How often, counted in training steps, a probe runs; each is a setting of the builder. */
  enum Cadence {
    /** Every training step. */
    EVERY_STEP,
    /** Every {@code scalarsEvery} steps (1 by default). */
    SCALARS,
    /** Every {@code histogramsEvery} steps (50), and once after the last update if that step was not one. */
    HISTOGRAMS,
    /** Every {@code imagesEvery} steps (200), and once after the last update if that step was not one. */
    IMAGES
  }

  final String name;
  final Logged what;
  final Set<Cadence> cadences;

  /**
   * @param name its name in the timing ("gradients")
   * @param what the switch that turns it on
   * @param cadences the training steps {@link #step} is called at (none: it runs on validation
   *     batches and epochs only)
   */
  Probe(String name, Logged what, Cadence... cadences) {
    this.name = name;
    this.what = what;
    this.cadences = cadences.length == 0 ? Set.of() : EnumSet.of(cadences[0], cadences);
  }

  /** Whether it has anything to do with these settings (a learning rate to log...); true by default. */
  boolean enabled() {
    return true;
  }

  /** When training begins: the tags it can describe before the network is known. */
  void begin(Context c) {}

  /** At the first training step, once the network is known, before {@link #step}: the network's tags. */
  void start(Context c, Step s) {}

  /** At a training step where one of its {@link #cadences} is due. */
  void step(Context c, Step s) {}

  /** After a validation batch; {@code index} counts the batches of the pass from 0. */
  void validationBatch(Context c, BatchData batch, int index, NDManager scope) {}

  /** After an epoch, its validation pass of {@code validationBatches} batches included. */
  void epoch(Context c, int validationBatches, NDManager scope) {}

  /**
   * When training ends, after the last update: {@code s} is the step after the last one, its
   * {@link Cadence#HISTOGRAMS} and {@link Cadence#IMAGES} due when the last step did not log them.
   * Only when training took a step.
   */
  void end(Context c, Step s) {}

  /** When training ends, after {@link #end}, even without a step. */
  void close(Context c) {}

  /** What the probes share: the writer, the network, the evaluators, the tags described so far. */
  static final class Context {
    final SummaryWriter log;
    /** The network, from the first training step on; null before. */
    Network network;
    List<Evaluator> evaluators = List.of();
    Evaluator loss;
    /** Training steps done: the step validation values are logged at. */
    long steps;
    /** The probe batch: its inputs (null until the first step when the builder gave none) and labels (or null). */
    List<TrainscopeListener.Sample> probeData;
    TrainscopeListener.Sample probeLabels;
    private final Set<String> described = new HashSet<>();

    Context(SummaryWriter log) {
      this.log = log;
    }

    /** Describes a tag once (display name and description with its machine line). */
    void describe(String tag, String displayName, String sentence, Role role, String split, String layer,
        String param) {
      describeAs(tag, displayName, TagNames.description(sentence, role, split, layer, param));
    }

    /** Describes a tag of one channel of a layer, on the validation split. */
    void describeChannel(String tag, String displayName, String sentence, Role role, String layer, int ch) {
      describeAs(tag, displayName, TagNames.description(sentence, role, "val", layer, ch));
    }

    private void describeAs(String tag, String displayName, String description) {
      if (!described.add(tag)) {
        return;
      }
      try {
        log.describe(tag, displayName, description);
      } catch (IllegalStateException e) {
        // A shared writer already holds values of this tag: they keep the metadata they have.
      }
    }

    /** The tags described so far. */
    Set<String> described() {
      return Set.copyOf(described);
    }

    /** The metric tag of an evaluator: the loss is "loss". */
    String metricTag(Evaluator e, boolean validation) {
      return TagNames.metric(validation, e == loss ? "loss" : TagNames.metricName(e.getName()));
    }
  }

  /** A training step as the probes see it. */
  static final class Step {
    final long step;
    /** The batch, or null for the snapshot at the end. */
    final BatchData batch;
    final NDManager scope;
    /** When the listener heard of the step ({@link System#nanoTime}). */
    final long startNanos;
    private final Set<Cadence> due;
    private final Map<Param, float[]> weights = new HashMap<>();

    Step(long step, BatchData batch, NDManager scope, long startNanos, Set<Cadence> due) {
      this.step = step;
      this.batch = batch;
      this.scope = scope;
      this.startNanos = startNanos;
      this.due = due;
    }

    boolean due(Cadence c) {
      return due.contains(c);
    }

    /** Whether one of these is due. */
    boolean dueAny(Set<Cadence> cadences) {
      for (Cadence c : cadences) {
        if (due.contains(c)) {
          return true;
        }
      }
      return false;
    }

    /** A parameter's values as they are now (before this step's update), read once a step. */
    float[] weights(Param p) {
      float[] w = weights.get(p);
      if (w == null) {
        w = floats(p.parameter().getArray(), scope);
        weights.put(p, w);
      }
      return w;
    }
  }

  /** How a parameter is named in descriptions: "conv2d_1's weight (Conv2d)". */
  static String describedAs(Param p) {
    return p.layer().name + "'s " + p.name() + " (" + p.layer().block.getClass().getSimpleName() + ")";
  }

  /** The values as floats; arrays made on the way belong to {@code scope}. */
  static float[] floats(NDArray a, NDManager scope) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    NDArray f = a.toType(DataType.FLOAT32, true);
    f.attach(scope);
    return f.toFloatArray();
  }
}
