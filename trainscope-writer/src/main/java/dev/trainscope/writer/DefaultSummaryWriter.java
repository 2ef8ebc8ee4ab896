package dev.trainscope.writer;

import dev.trainscope.events.plugins.CustomScalarLayout;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import dev.trainscope.events.wire.ProtoWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link SummaryWriter}: checks arguments and prepares values on the caller's thread, then
 * hands them through an {@link EventRing} to its {@link Consumer} thread, which writes the main
 * run's event file and those of its sub-runs ({@code scalars} groups, {@code hparams} trials).
 *
 * <p>A scalar needs no preparation: the call looks up its {@link Tag} (one concurrent map read),
 * reads the clock and fills a ring slot. Everything else is encoded here into the bytes of its
 * {@code tensor} field, so that the consumer only frames it and the caller may reuse its arrays at
 * once.
 */
final class DefaultSummaryWriter implements SummaryWriter {
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** A protobuf message cannot exceed 2 GiB; values are kept well below. */
  private static final int MAX_VALUE_BYTES = 1 << 30;
  /** The hparams plugin's NULL_TENSOR: a float32 vector of length 0 beside data kept in the metadata. */
  private static final byte[] NULL_TENSOR_FIELD = tensorField(TensorProto.ofFloats(TensorShape.of(0)));

  private final Path logdir;
  private final String suffix;
  private final InstantSource clock;
  private final EventRing ring;
  private final Consumer consumer;
  private final Run main;
  private final Thread shutdownHook;
  private final ConcurrentHashMap<String, Run> subRuns = new ConcurrentHashMap<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Guards tag registration, descriptions and the creation of runs. */
  private final Object lock = new Object();
  private final List<Run> runs = new ArrayList<>();
  private final Map<String, String[]> descriptions = new HashMap<>();
  private final Set<String> usedTags = new HashSet<>();
  private boolean closedForRuns;

  DefaultSummaryWriter(SummaryWriter.Builder b) {
    this.logdir = b.logdir;
    this.suffix = b.fileNameSuffix;
    this.clock = b.clock == SummaryWriter.Builder.SYSTEM_CLOCK ? null : b.clock;
    int capacity = b.queueCapacity <= 2 ? 2 : Integer.highestOneBit(b.queueCapacity - 1) << 1;
    this.ring = new EventRing(capacity, b.maxPendingBytes, logdir.toString());
    try {
      this.main = Run.open(logdir, suffix, now());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an event file in " + logdir + ": " + e, e);
    }
    runs.add(main);
    this.consumer = new Consumer(ring, b.fsyncOnFlush, this::runsSnapshot);
    Thread t = new Thread(consumer, "trainscope-writer-" + THREADS.incrementAndGet());
    t.setDaemon(true); // a writer nobody closed must not keep the JVM alive; the shutdown hook flushes it
    ring.consumer = t;
    t.start();
    Thread hook = new Thread(this::closeAtExit, t.getName() + "-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      hook = null; // created while the JVM exits: whoever created it has to close it
    }
    shutdownHook = hook;
  }

  @Override
  public Path logdir() {
    return logdir;
  }

  @Override
  public Path file() {
    return main.file;
  }

  /** For tests that break the file under the writer. */
  Run mainRun() {
    return main;
  }

  private double now() {
    InstantSource c = clock;
    if (c == null) {
      return ring.systemSeconds();
    }
    Instant i = c.instant();
    return i.getEpochSecond() + i.getNano() * 1e-9;
  }

  // ---- scalars ----

  @Override
  public void scalar(String tag, double value, long step) {
    Require.tag(tag, "tag");
    scalar(tag(main, tag, Kind.SCALAR), value, step, now());
  }

  @Override
  public void scalar(String tag, double value, long step, double wallTimeSeconds) {
    Require.tag(tag, "tag");
    Require.wallTime(wallTimeSeconds);
    scalar(tag(main, tag, Kind.SCALAR), value, step, wallTimeSeconds);
  }

  private void scalar(Tag t, double value, long step, double wall) {
    long seq = ring.claim(t);
    ring.publish(seq, t, step, Double.doubleToRawLongBits(wall), Double.doubleToRawLongBits(value), false);
  }

  @Override
  public void scalars(String mainTag, Map<String, ? extends Number> values, long step) {
    scalars(mainTag, values, step, Double.NaN, false);
  }

  @Override
  public void scalars(String mainTag, Map<String, ? extends Number> values, long step, double wallTimeSeconds) {
    scalars(mainTag, values, step, wallTimeSeconds, true);
  }

  private void scalars(String mainTag, Map<String, ? extends Number> values, long step, double wall, boolean given) {
    Require.tag(mainTag, "mainTag");
    Require.nonNull(values, "values");
    if (given) {
      Require.wallTime(wall);
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("values must not be empty, was {}");
    }
    String prefix = mainTag.replace('/', '_') + "_";
    int n = values.size();
    String[] dirs = new String[n];
    double[] numbers = new double[n];
    int i = 0;
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("values keys must not be null or empty, was "
            + (key == null ? "null" : "\"\""));
      }
      dirs[i] = Require.pathPart(prefix + key, "run directory of values key '" + key + "'");
      numbers[i] = Require.nonNull(e.getValue(), "values['" + key + "']").doubleValue();
      i++;
    }
    Tag[] tags = new Tag[n];
    for (int k = 0; k < n; k++) {
      tags[k] = tag(subRun(dirs[k]), mainTag, Kind.SCALAR);
    }
    double w = given ? wall : now();
    for (int k = 0; k < n; k++) {
      scalar(tags[k], numbers[k], step, w);
    }
  }

  private Run subRun(String dirName) {
    Run r = subRuns.get(dirName);
    if (r != null) {
      return r;
    }
    synchronized (lock) {
      r = subRuns.get(dirName);
      if (r == null) {
        r = openRun(dirName);
        subRuns.put(dirName, r);
      }
      return r;
    }
  }

  /** Creates a run directory below the log directory with a new event file. Under {@link #lock}. */
  private Run openRun(String dirName) {
    if (closedForRuns) {
      throw ring.closed("a value for the run '" + dirName + "'");
    }
    Path dir;
    try {
      dir = logdir.resolve(dirName);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + dirName + "' is not a valid directory name: " + e.getMessage(), e);
    }
    try {
      Run r = Run.open(dir, suffix, now());
      runs.add(r);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an event file in " + dir + ": " + e, e);
    }
  }

  private List<Run> runsSnapshot() {
    synchronized (lock) {
      return new ArrayList<>(runs);
    }
  }

  // ---- tags ----

  private Tag tag(Run run, String name, Kind kind) {
    Tag t = run.tags.get(name);
    if (t != null && t.kind == kind) {
      return t;
    }
    return register(run, name, kind, kind.metadata());
  }

  /**
   * The tag of a run, created with {@code metadata} (and the tag's description) if it is new. Tags
   * are what their UTF-8 bytes are: a string with a lone surrogate is the same tag as the one with
   * '?' in its place, since both are written as the same bytes.
   */
  private Tag register(Run run, String name, Kind kind, SummaryMetadata metadata) {
    String canonical = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    synchronized (lock) {
      Tag t = run.tags.get(canonical);
      if (t == null) {
        String[] d = descriptions.get(canonical);
        SummaryMetadata md = metadata;
        if (d != null) {
          md = md != null ? md.withDisplay(d[0], d[1])
              : new SummaryMetadata(null, d[0], d[1], SummaryMetadata.DATA_CLASS_UNKNOWN);
        }
        t = new Tag(run, canonical, kind, md);
        run.tags.put(canonical, t);
        usedTags.add(canonical);
      } else if (t.kind != kind) {
        throw new IllegalArgumentException("tag '" + name + "' holds " + t.kind.noun
            + " values; it cannot also hold " + kind.noun + " values");
      }
      run.tags.putIfAbsent(name, t);
      return t;
    }
  }

  @Override
  public void describe(String tag, String displayName, String description) {
    Require.tag(tag, "tag");
    Require.nonNull(displayName, "displayName");
    Require.nonNull(description, "description");
    String canonical = new String(tag.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    synchronized (lock) {
      if (usedTags.contains(canonical)) {
        throw new IllegalStateException("describe(\"" + tag + "\", ...) must come before the tag's first value,"
            + " and '" + tag + "' has one already");
      }
      descriptions.put(canonical, new String[] {displayName, description});
    }
  }

  // ---- values encoded on the caller's thread ----

  static byte[] tensorField(TensorProto tensor) {
    ProtoWriter w = new ProtoWriter(64);
    w.writeBytesFieldAlways(SummaryValue.TENSOR, tensor.toByteArray());
    return w.toByteArray();
  }

  private void enqueue(Tag t, byte[] body, byte[] metadataField, long step, double wall) {
    if (body.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("the " + t.kind.noun + " value of tag '" + t.name + "' encodes to "
          + body.length + " bytes, more than the " + MAX_VALUE_BYTES + " an event may hold");
    }
    ring.reservePending(body.length);
    long seq;
    try {
      seq = ring.claim(t);
    } catch (RuntimeException e) {
      ring.pendingBytes.addAndGet(-body.length);
      throw e;
    }
    ring.publish(seq, new Items.Payload(t, body, metadataField), step, Double.doubleToRawLongBits(wall), 0, true);
  }

  private double wall(double given, boolean explicit) {
    return explicit ? Require.wallTime(given) : now();
  }

  // ---- histograms ----

  @Override
  public void histogram(String tag, double[] values, long step) {
    histogram(tag, values, step, Double.NaN, false);
  }

  @Override
  public void histogram(String tag, double[] values, long step, double wallTimeSeconds) {
    histogram(tag, values, step, wallTimeSeconds, true);
  }

  private void histogram(String tag, double[] values, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    Require.nonEmpty(values, "values");
    double w = wall(wall, given);
    logHistogram(tag, Histogram.of(values), step, w);
  }

  @Override
  public void histogram(String tag, float[] values, long step) {
    histogram(tag, values, step, Double.NaN, false);
  }

  @Override
  public void histogram(String tag, float[] values, long step, double wallTimeSeconds) {
    histogram(tag, values, step, wallTimeSeconds, true);
  }

  private void histogram(String tag, float[] values, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    Require.nonEmpty(values, "values");
    double w = wall(wall, given);
    logHistogram(tag, Histogram.of(values), step, w);
  }

  @Override
  public void histogram(String tag, Histogram histogram, long step) {
    Require.tag(tag, "tag");
    Require.nonNull(histogram, "histogram");
    logHistogram(tag, histogram, step, now());
  }

  @Override
  public void histogram(String tag, Histogram histogram, long step, double wallTimeSeconds) {
    Require.tag(tag, "tag");
    Require.nonNull(histogram, "histogram");
    logHistogram(tag, histogram, step, Require.wallTime(wallTimeSeconds));
  }

  private void logHistogram(String tag, Histogram h, long step, double wall) {
    byte[] body = tensorField(TensorProto.ofDoubles(TensorShape.of(h.size(), 3), h.toRows()));
    enqueue(tag(main, tag, Kind.HISTOGRAM), body, null, step, wall);
  }

  // ---- images ----

  @Override
  public void image(String tag, BufferedImage image, long step) {
    image(tag, image, step, Double.NaN, false);
  }

  @Override
  public void image(String tag, BufferedImage image, long step, double wallTimeSeconds) {
    image(tag, image, step, wallTimeSeconds, true);
  }

  private void image(String tag, BufferedImage image, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    Require.nonNull(image, "image");
    double w = wall(wall, given);
    ring.checkOpen("image '" + tag + "'");
    encodedImage(tag, Png.encode(image), image.getWidth(), image.getHeight(), step, w);
  }

  @Override
  public void image(String tag, float[] data, int channels, int height, int width, Layout layout,
      Denormalize undo, long step) {
    image(tag, data, channels, height, width, layout, undo, step, Double.NaN, false);
  }

  @Override
  public void image(String tag, float[] data, int channels, int height, int width, Layout layout,
      Denormalize undo, long step, double wallTimeSeconds) {
    image(tag, data, channels, height, width, layout, undo, step, wallTimeSeconds, true);
  }

  private void image(String tag, float[] data, int channels, int height, int width, Layout layout,
      Denormalize undo, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    double w = wall(wall, given);
    BufferedImage img = Images.toImage(data, channels, height, width, layout, undo);
    ring.checkOpen("image '" + tag + "'");
    encodedImage(tag, Png.encode(img), width, height, step, w);
  }

  @Override
  public void imagePng(String tag, byte[] png, long step) {
    imagePng(tag, png, step, Double.NaN, false);
  }

  @Override
  public void imagePng(String tag, byte[] png, long step, double wallTimeSeconds) {
    imagePng(tag, png, step, wallTimeSeconds, true);
  }

  private void imagePng(String tag, byte[] png, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    int[] size = Png.size(png);
    encodedImage(tag, png, size[0], size[1], step, wall(wall, given));
  }

  @Override
  public void images(String tag, List<BufferedImage> images, int columns, long step) {
    images(tag, images, columns, step, Double.NaN, false);
  }

  @Override
  public void images(String tag, List<BufferedImage> images, int columns, long step, double wallTimeSeconds) {
    images(tag, images, columns, step, wallTimeSeconds, true);
  }

  private void images(String tag, List<BufferedImage> images, int columns, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    double w = wall(wall, given);
    BufferedImage grid = Images.grid(images, columns, Images.DEFAULT_PADDING);
    ring.checkOpen("images '" + tag + "'");
    encodedImage(tag, Png.encode(grid), grid.getWidth(), grid.getHeight(), step, w);
  }

  /** The images plugin's DT_STRING [2 + n] tensor: width and height in decimal, then the images. */
  private void encodedImage(String tag, byte[] png, int width, int height, long step, double wall) {
    List<byte[]> strings = List.of(ascii(width), ascii(height), png);
    byte[] body = tensorField(TensorProto.ofStrings(TensorShape.of(strings.size()), strings));
    enqueue(tag(main, tag, Kind.IMAGE), body, null, step, wall);
  }

  private static byte[] ascii(int n) {
    return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  // ---- audio ----

  @Override
  public void audio(String tag, float[] samples, int channels, float sampleRate, long step) {
    audio(tag, samples, channels, sampleRate, "", step, Double.NaN, false);
  }

  @Override
  public void audio(String tag, float[] samples, int channels, float sampleRate, String labelMarkdown, long step) {
    Require.nonNull(labelMarkdown, "labelMarkdown");
    audio(tag, samples, channels, sampleRate, labelMarkdown, step, Double.NaN, false);
  }

  @Override
  public void audio(String tag, float[] samples, int channels, float sampleRate, long step, double wallTimeSeconds) {
    audio(tag, samples, channels, sampleRate, "", step, wallTimeSeconds, true);
  }

  /** The audio plugin's DT_STRING [1, 2] tensor: the clip's WAV bytes and its label (UTF-8 Markdown, empty for none). */
  private void audio(String tag, float[] samples, int channels, float sampleRate, String label, long step, double wall,
      boolean given) {
    Require.tag(tag, "tag");
    byte[] wav = Wav.encode(samples, channels, sampleRate);
    double w = wall(wall, given);
    byte[] body = tensorField(TensorProto.ofStrings(TensorShape.of(1, 2),
        List.of(wav, label.getBytes(StandardCharsets.UTF_8))));
    enqueue(tag(main, tag, Kind.AUDIO), body, null, step, w);
  }

  // ---- text ----

  @Override
  public void text(String tag, String markdown, long step) {
    text(tag, markdown, step, Double.NaN, false);
  }

  @Override
  public void text(String tag, String markdown, long step, double wallTimeSeconds) {
    text(tag, markdown, step, wallTimeSeconds, true);
  }

  private void text(String tag, String markdown, long step, double wall, boolean given) {
    Require.tag(tag, "tag");
    Require.nonNull(markdown, "markdown");
    double w = wall(wall, given);
    byte[] body = tensorField(TensorProto.ofStrings(TensorShape.SCALAR,
        List.of(markdown.getBytes(StandardCharsets.UTF_8))));
    enqueue(tag(main, tag, Kind.TEXT), body, null, step, w);
  }

  // ---- PR curves ----

  @Override
  public void prCurve(String tag, boolean[] labels, float[] predictions, int numThresholds, long step) {
    prCurve(tag, labels, predictions, numThresholds, step, Double.NaN, false);
  }

  @Override
  public void prCurve(String tag, boolean[] labels, float[] predictions, int numThresholds, long step,
      double wallTimeSeconds) {
    prCurve(tag, labels, predictions, numThresholds, step, wallTimeSeconds, true);
  }

  private void prCurve(String tag, boolean[] labels, float[] predictions, int numThresholds, long step,
      double wall, boolean given) {
    Require.tag(tag, "tag");
    PrCurves.check(labels, predictions, numThresholds);
    double w = wall(wall, given);
    float[] data = PrCurves.compute(labels, predictions, numThresholds);
    byte[] body = tensorField(TensorProto.ofFloats(TensorShape.of(6, numThresholds), data));
    Tag t = main.tags.get(tag);
    if (t == null || t.kind != Kind.PR_CURVE) {
      byte[] content = new PrCurvePluginData(0, numThresholds).toByteArray();
      t = register(main, tag, Kind.PR_CURVE,
          SummaryMetadata.forPlugin(PluginNames.PR_CURVES, content, Kind.PR_CURVE.dataClass));
    }
    int first = PrCurvePluginData.parse(t.metadata.pluginData().content()).numThresholds();
    if (first != numThresholds) {
      throw new IllegalArgumentException("numThresholds must stay " + first + " for tag '" + tag
          + "' (its first curve had " + first + "), was " + numThresholds);
    }
    enqueue(t, body, null, step, w);
  }

  // ---- custom scalars ----

  @Override
  public void customScalars(CustomScalars layout) {
    Require.nonNull(layout, "layout");
    double w = wall(Double.NaN, false);
    byte[] body = tensorField(TensorProto.ofStrings(TensorShape.SCALAR, List.of(layout.layout.toByteArray())));
    enqueue(tag(main, CustomScalarLayout.TAG, Kind.CUSTOM_SCALARS), body, null, 0, w);
  }

  // ---- raw tensors ----

  @Override
  public void tensor(String tag, TensorProto tensor, SummaryMetadata metadata, long step) {
    tensor(tag, tensor, metadata, step, Double.NaN, false);
  }

  @Override
  public void tensor(String tag, TensorProto tensor, SummaryMetadata metadata, long step, double wallTimeSeconds) {
    tensor(tag, tensor, metadata, step, wallTimeSeconds, true);
  }

  private void tensor(String tag, TensorProto tensor, SummaryMetadata metadata, long step, double wall,
      boolean given) {
    Require.tag(tag, "tag");
    checkTensor(tensor);
    double w = wall(wall, given);
    byte[] body = tensorField(tensor);
    Tag t = main.tags.get(tag);
    if (t == null || t.kind != Kind.TENSOR) {
      t = register(main, tag, Kind.TENSOR, metadata);
    }
    String had = t.metadata == null ? "" : t.metadata.pluginName();
    String has = metadata == null ? "" : metadata.pluginName();
    if (!had.equals(has)) {
      throw new IllegalArgumentException("metadata of tag '" + tag + "' must keep plugin '" + had
          + "' of its first value, was plugin '" + has + "'");
    }
    enqueue(t, body, null, step, w);
  }

  /** A tensor with a known shape of at least one element, holding exactly one value per element. */
  static void checkTensor(TensorProto t) {
    Require.nonNull(t, "tensor");
    TensorShape shape = t.shape();
    if (shape.unknownRank()) {
      throw new IllegalArgumentException("tensor.shape must have a known rank, was " + shape);
    }
    long n = shape.numElements();
    if (n < 0) {
      throw new IllegalArgumentException("tensor.shape must have known dimensions >= 0, was " + shape);
    }
    if (n == 0) {
      throw new IllegalArgumentException("tensor must not be empty, has shape " + shape);
    }
    DataType type = t.dataType();
    if (type == DataType.DT_INVALID) {
      throw new IllegalArgumentException("tensor.dtype must be a TensorFlow DataType, was " + t.dtype());
    }
    int content = t.tensorContent().length;
    if (content > 0) {
      if (type.width() == 0 || content != n * type.width()) {
        throw new IllegalArgumentException("tensor.tensorContent must hold " + n + " " + type + " elements"
            + (type.width() == 0 ? ", which have no fixed width" : " (" + n * type.width() + " bytes)")
            + " for shape " + shape + ", holds " + content + " bytes");
      }
    } else if (t.storedCount() != n) {
      throw new IllegalArgumentException("tensor must hold " + n + " " + type + " values for shape " + shape
          + ", holds " + t.storedCount());
    }
  }

  // ---- graphs ----

  @Override
  public void graph(GraphDefProto graph) {
    graph(graph, Double.NaN, false);
  }

  @Override
  public void graph(GraphDefProto graph, double wallTimeSeconds) {
    graph(graph, wallTimeSeconds, true);
  }

  private void graph(GraphDefProto graph, double wall, boolean given) {
    checkGraph(graph);
    double w = wall(wall, given);
    ring.checkOpen("the graph");
    ProtoWriter pw = new ProtoWriter(256);
    pw.writeBytesFieldAlways(Event.GRAPH_DEF, graph.toByteArray());
    byte[] what = pw.toByteArray();
    if (what.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("the graph encodes to " + what.length + " bytes, more than the "
          + MAX_VALUE_BYTES + " an event may hold");
    }
    ring.reservePending(what.length);
    long seq;
    try {
      seq = ring.claim("the graph");
    } catch (RuntimeException e) {
      ring.pendingBytes.addAndGet(-what.length);
      throw e;
    }
    ring.publish(seq, new Items.Bare(main, what), 0, Double.doubleToRawLongBits(w), 0, true);
  }

  /** Nodes with names, each name once: TensorBoard and TensorFlow look nodes up by name. */
  static void checkGraph(GraphDefProto graph) {
    Require.nonNull(graph, "graph");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < graph.nodes().size(); i++) {
      NodeDef n = graph.nodes().get(i);
      if (n.name().isEmpty()) {
        throw new IllegalArgumentException("graph.nodes[" + i + "].name must not be empty, was \"\" (op '"
            + n.op() + "')");
      }
      if (!names.add(n.name())) {
        throw new IllegalArgumentException("graph.nodes[" + i + "].name must be unique, '" + n.name()
            + "' names an earlier node too");
      }
    }
  }

  // ---- hparams ----

  @Override
  public void hparamsExperiment(List<HParam> hparams, List<HParamMetric> metrics) {
    Require.nonNull(hparams, "hparams");
    Require.nonNull(metrics, "metrics");
    List<HParamsPluginData.HParamInfo> infos = new ArrayList<>(hparams.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < hparams.size(); i++) {
      HParam h = Require.nonNull(hparams.get(i), "hparams[" + i + "]");
      if (!names.add(h.name())) {
        throw new IllegalArgumentException("hparams[" + i + "] repeats the name '" + h.name() + "'");
      }
      infos.add(h.toInfo());
    }
    List<HParamsPluginData.MetricInfo> metricInfos = new ArrayList<>(metrics.size());
    for (int i = 0; i < metrics.size(); i++) {
      metricInfos.add(Require.nonNull(metrics.get(i), "metrics[" + i + "]").toInfo());
    }
    experiment(main, infos, metricInfos, now());
  }

  private void experiment(Run run, List<HParamsPluginData.HParamInfo> infos,
      List<HParamsPluginData.MetricInfo> metrics, double wall) {
    hparamsValue(run, PluginNames.HPARAMS_EXPERIMENT_TAG,
        new HParamsPluginData.Experiment("", "", "", wall, infos, metrics), wall);
  }

  @Override
  public void hparamsSessionStart(Map<String, ?> hparams) {
    hparamsSessionStart(hparams, "");
  }

  @Override
  public void hparamsSessionStart(Map<String, ?> hparams, String groupName) {
    Map<String, ProtoValue> values = hparamValues(hparams);
    Require.nonNull(groupName, "groupName");
    sessionStart(main, values, groupName, now());
  }

  private void sessionStart(Run run, Map<String, ProtoValue> values, String groupName, double wall) {
    hparamsValue(run, PluginNames.HPARAMS_SESSION_START_TAG,
        new HParamsPluginData.SessionStartInfo(values, "", "", groupName, wall), wall);
  }

  /** Hyperparameter values checked (named keys; numbers, booleans and strings) in the map's order. */
  private static Map<String, ProtoValue> hparamValues(Map<String, ?> hparams) {
    Require.nonNull(hparams, "hparams");
    if (hparams.isEmpty()) {
      throw new IllegalArgumentException("hparams must not be empty, was {}");
    }
    Map<String, ProtoValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : hparams.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("hparams keys must not be null or empty, was "
            + (name == null ? "null" : "\"\""));
      }
      HParam.Type.of(e.getValue(), "hparams['" + name + "']");
      out.put(name, HParam.protoValue(e.getValue()));
    }
    return out;
  }

  @Override
  public void hparamsSessionEnd(SessionStatus status) {
    Require.nonNull(status, "status");
    double wall = now();
    hparamsValue(main, PluginNames.HPARAMS_SESSION_END_TAG,
        new HParamsPluginData.SessionEndInfo(status.code(), wall), wall);
  }

  /** A value of an hparams tag: the data rides in the metadata, beside the plugin's null tensor. */
  private void hparamsValue(Run run, String tag, HParamsPluginData.Data data, double wall) {
    byte[] content = new HParamsPluginData(0, data).toByteArray();
    byte[] metadata = Tag.metadataField(
        SummaryMetadata.forPlugin(PluginNames.HPARAMS, content, Kind.HPARAMS.dataClass));
    enqueue(tag(run, tag, Kind.HPARAMS), NULL_TENSOR_FIELD, metadata, 0, wall);
  }

  @Override
  public void hparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics) {
    hparams(hparams, metrics, null, true);
  }

  @Override
  public void hparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics, String runName) {
    hparams(hparams, metrics, runName, false);
  }

  private void hparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics, String runName,
      boolean defaultName) {
    Map<String, ProtoValue> values = hparamValues(hparams);
    Require.nonNull(metrics, "metrics");
    double wall = now();
    String name = defaultName ? String.format(Locale.ROOT, "%.6f", wall) : Require.pathPart(runName, "runName");
    List<String> metricTags = new ArrayList<>(metrics.size());
    double[] metricValues = new double[metrics.size()];
    for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
      String tag = e.getKey();
      if (tag == null || tag.isEmpty()) {
        throw new IllegalArgumentException("metrics keys must not be null or empty, was "
            + (tag == null ? "null" : "\"\""));
      }
      metricValues[metricTags.size()] = Require.nonNull(e.getValue(), "metrics['" + tag + "']").doubleValue();
      metricTags.add(tag);
    }
    List<HParamsPluginData.HParamInfo> infos = new ArrayList<>();
    for (Map.Entry<String, ?> e : hparams.entrySet()) {
      infos.add(HParam.of(e.getKey(), HParam.Type.of(e.getValue(), e.getKey())).toInfo());
    }
    List<HParamsPluginData.MetricInfo> metricInfos = new ArrayList<>();
    for (String tag : metricTags) {
      metricInfos.add(HParamMetric.of(tag).toInfo());
    }
    Run run;
    synchronized (lock) {
      if (defaultName) {
        // Two trials in one millisecond must not share a run: TensorBoard would show one of them.
        String base = name;
        for (int i = 1; Files.exists(logdir.resolve(name)); i++) {
          name = base + "-" + i;
        }
      }
      run = openRun(name);
    }
    experiment(run, infos, metricInfos, wall);
    sessionStart(run, values, "", wall);
    for (int i = 0; i < metricTags.size(); i++) {
      scalar(tag(run, metricTags.get(i), Kind.SCALAR), metricValues[i], 0, wall);
    }
    hparamsValue(run, PluginNames.HPARAMS_SESSION_END_TAG,
        new HParamsPluginData.SessionEndInfo(SessionStatus.SUCCESS.code(), wall), wall);
    long seq = ring.claim("closing the hparams run '" + name + "'");
    ring.publish(seq, new Items.CloseRun(run), 0, 0, 0, false);
  }

  // ---- lifecycle ----

  @Override
  public void flush() {
    Throwable f = ring.failure();
    if (f != null) {
      throw ring.failed(f);
    }
    long seq = ring.tryClaim();
    if (seq < 0) {
      return; // closed, and so flushed
    }
    Items.Flush request = new Items.Flush();
    ring.publish(seq, request, 0, 0, 0, true);
    f = request.await(ring);
    if (f != null) {
      throw ring.failed(f);
    }
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      synchronized (lock) {
        closedForRuns = true;
      }
      ring.close();
      consumer.awaitTermination();
    } finally {
      closed.countDown();
      try {
        if (shutdownHook != null) {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
      } catch (IllegalStateException shuttingDown) {
        // closing from the hook itself, or while the JVM exits: nothing to remove
      }
    }
    Throwable f = ring.failure();
    if (f != null) {
      throw ring.failed(f);
    }
  }

  private void awaitClosed() {
    boolean interrupted = false;
    while (true) {
      try {
        closed.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The shutdown hook: what was logged reaches the file even when nobody closed the writer. */
  private void closeAtExit() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("trainscope: closing the SummaryWriter for " + logdir + " at exit failed: " + e);
    }
  }

  @Override
  public String toString() {
    return "SummaryWriter[" + main.file + "]";
  }
}
