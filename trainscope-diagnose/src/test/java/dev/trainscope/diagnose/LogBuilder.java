package dev.trainscope.diagnose;

import dev.trainscope.data.RunStore;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/** Writes small log directories of constructed series for rule tests, and opens a store on them. */
final class LogBuilder {
  private final Path root;
  private final Map<String, ByteArrayOutputStream> runs = new LinkedHashMap<>();
  private final java.util.Set<String> described = new java.util.HashSet<>();

  LogBuilder(Path root) {
    this.root = root;
  }

  private ByteArrayOutputStream run(String run) {
    return runs.computeIfAbsent(run, r -> new ByteArrayOutputStream());
  }

  private void write(String run, Event e) {
    try {
      run(run).write(TfRecordFormat.frame(e.toByteArray()));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** A scalar value per step in [from, to), as f(step). */
  LogBuilder scalar(String run, String tag, long from, long to, LongToDoubleFunction f) {
    for (long s = from; s < to; s++) {
      scalarAt(run, tag, s, f.applyAsDouble(s));
    }
    return this;
  }

  LogBuilder scalarAt(String run, String tag, long step, double v) {
    SummaryValue value = SummaryValue.of(tag, null, TensorProto.scalar((float) v));
    SummaryValue withMd = SummaryValue.of(tag,
        SummaryMetadata.forPlugin(PluginNames.SCALARS, new byte[0], SummaryMetadata.DATA_CLASS_SCALAR),
        TensorProto.scalar((float) v));
    // the metadata comes with a tag's first value, as writers send it
    write(run, new Event(1.7e9 + step, step, Summary.of(described.add(run + '\0' + tag) ? withMd : value), null));
    return this;
  }

  /** A histogram at one step from its buckets, as tensor [k, 3]. */
  LogBuilder histogram(String run, String tag, long step, double[] left, double[] right, double[] count) {
    double[] rows = new double[3 * count.length];
    for (int i = 0; i < count.length; i++) {
      rows[3 * i] = left[i];
      rows[3 * i + 1] = right[i];
      rows[3 * i + 2] = count[i];
    }
    SummaryMetadata md = SummaryMetadata.forPlugin(PluginNames.HISTOGRAMS, new byte[0], SummaryMetadata.DATA_CLASS_TENSOR);
    write(run, new Event(1.7e9 + step, step, Summary.of(SummaryValue.of(tag, md,
        TensorProto.ofDoubles(TensorShape.of(count.length, 3), rows))), null));
    return this;
  }

  /** A histogram of values drawn uniformly-spaced between lo and hi (30 equal buckets, equal counts). */
  LogBuilder uniformHistogram(String run, String tag, long step, double lo, double hi, double perBucket) {
    double[][] edges = equalBuckets(lo, hi, 30);
    double[] c = new double[30];
    java.util.Arrays.fill(c, perBucket);
    return histogram(run, tag, step, edges[0], edges[1], c);
  }

  /** The left and right edges of {@code k} equal buckets from {@code lo} to {@code hi}. */
  private static double[][] equalBuckets(double lo, double hi, int k) {
    double[] l = new double[k];
    double[] r = new double[k];
    for (int i = 0; i < k; i++) {
      l[i] = lo + (hi - lo) * i / k;
      r[i] = lo + (hi - lo) * (i + 1) / k;
    }
    return new double[][] {l, r};
  }

  /**
   * A histogram of the given values: 200 equal buckets between their smallest and largest (about
   * as fine as TensorFlow's 10 %-wide buckets), or one bucket of zero width when they are all equal.
   */
  LogBuilder histogramOf(String run, String tag, long step, double[] values) {
    double lo = java.util.Arrays.stream(values).min().orElse(0);
    double hi = java.util.Arrays.stream(values).max().orElse(0);
    if (lo == hi) {
      return histogram(run, tag, step, new double[] {lo}, new double[] {hi}, new double[] {values.length});
    }
    int k = 200;
    double[][] edges = equalBuckets(lo, hi, k);
    double[] c = new double[k];
    for (double v : values) {
      c[Math.min(k - 1, (int) ((v - lo) / (hi - lo) * k))]++;
    }
    return histogram(run, tag, step, edges[0], edges[1], c);
  }

  /** n values drawn from N(mean, std^2) with the given seed. */
  static double[] normal(int n, double mean, double std, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + std * r.nextGaussian();
    }
    return v;
  }

  /** An image value (Summary.Image) holding the given encoded bytes. */
  LogBuilder image(String run, String tag, long step, byte[] encoded) {
    write(run, new Event(1.7e9 + step, step, Summary.of(SummaryValue.of(tag, null,
        new dev.trainscope.events.proto.ImageProto(28, 28, 1, encoded))), null));
    return this;
  }

  /** Writes the files and opens a loaded store on them. */
  RunStore store() throws Exception {
    for (Map.Entry<String, ByteArrayOutputStream> e : runs.entrySet()) {
      Path dir = root.resolve(e.getKey());
      Files.createDirectories(dir);
      Files.write(dir.resolve("events.out.tfevents.1700000000.test.1.0"), e.getValue().toByteArray());
    }
    RunStore store = RunStore.builder().logdir(root).reloadInterval(Duration.ZERO).build();
    store.reload();
    return store;
  }
}
