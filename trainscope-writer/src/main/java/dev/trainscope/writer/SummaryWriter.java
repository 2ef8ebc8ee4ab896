package dev.trainscope.writer;

import dev.trainscope.events.meaning.TagMeaning;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import java.awt.image.BufferedImage;
import java.io.Flushable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Logs what a training run does to TensorBoard event files, which TensorBoard itself and Trainscope
 * read:
 *
 * <pre>{@code
 * try (var log = SummaryWriter.create(Path.of("runs/exp1"))) {
 *   log.scalar("train/loss", loss, step);
 *   log.histogram("layer1/weights", weights, step);
 *   log.image("input/samples", Images.grid(batch, Denormalize.meanStd(MEAN, STD)), step);
 * }
 * }</pre>
 *
 * <p>Each writer owns one new event file in its log directory, named as TensorBoard's writers name
 * theirs ({@code events.out.tfevents.<seconds>.<host>.<pid>.<n><suffix>}) and starting with a
 * {@code brain.Event:2} file-version record. Values are written tensor-style, with the plugin
 * metadata TensorFlow 2's summary ops give a tag's first value in a file.
 *
 * <p>All methods are thread-safe. Logging hands the value to a bounded queue and returns; one
 * background thread per writer encodes, checksums and writes in large batches, and hands what it has
 * to the operating system whenever the queue runs empty, so a live reader sees new values within
 * milliseconds. When the queue is full, logging waits (values are never dropped). Every value gets
 * the wall time of the call from the writer's clock, or the one given to the overloads that take
 * {@code wallTimeSeconds}.
 *
 * <p>Arguments are checked before anything is queued: a bad one throws {@link
 * IllegalArgumentException} naming it and its value, and nothing of that call is logged. NaN and
 * infinite values are data and are logged as they are. Logging after {@link #close()} throws {@link
 * IllegalStateException}. When writing to disk fails, the failure is kept and thrown, as {@link
 * UncheckedIOException}, by every later call, {@link #flush()} and {@link #close()}.
 */
public interface SummaryWriter extends AutoCloseable, Flushable {

  /** A writer with the default settings; creates {@code logdir} if needed. */
  static SummaryWriter create(Path logdir) {
    return builder(logdir).build();
  }

  static Builder builder(Path logdir) {
    return new Builder(logdir);
  }

  /** The log directory: the run this writer's own values belong to. */
  Path logdir();

  /** The event file this writer writes. */
  Path file();

  // ---- scalars ----

  /** One number; stored as a rank-0 float32 tensor of the {@code scalars} plugin. */
  void scalar(String tag, double value, long step);

  void scalar(String tag, double value, long step, double wallTimeSeconds);

  /**
   * Several related numbers overlaid in one chart, like PyTorch's {@code add_scalars}: the value of
   * key {@code k} goes, under tag {@code mainTag}, to the run {@code <logdir>/<mainTag with '/'
   * replaced by '_'>_<k>}, whose event file this writer creates on first use and closes with itself.
   */
  void scalars(String mainTag, Map<String, ? extends Number> values, long step);

  void scalars(String mainTag, Map<String, ? extends Number> values, long step, double wallTimeSeconds);

  // ---- histograms ----

  /**
   * A histogram of the values, bucketed as TensorFlow 2 does (see {@link Histogram#of(double[])});
   * NaN and infinities have no bucket and are left out of the counts.
   */
  void histogram(String tag, double[] values, long step);

  void histogram(String tag, double[] values, long step, double wallTimeSeconds);

  void histogram(String tag, float[] values, long step);

  void histogram(String tag, float[] values, long step, double wallTimeSeconds);

  /** A histogram with given buckets. */
  void histogram(String tag, Histogram histogram, long step);

  void histogram(String tag, Histogram histogram, long step, double wallTimeSeconds);

  // ---- images ----

  /** An image, encoded as PNG. */
  void image(String tag, BufferedImage image, long step);

  void image(String tag, BufferedImage image, long step, double wallTimeSeconds);

  /**
   * An image from {@code channels x height x width} floats (1 grey, 3 RGB, 4 RGBA) laid out as
   * {@code layout} says, with the normalisation undone by {@code undo}; see {@link Images#toImage}.
   */
  void image(String tag, float[] data, int channels, int height, int width, Layout layout, Denormalize undo,
      long step);

  void image(String tag, float[] data, int channels, int height, int width, Layout layout, Denormalize undo,
      long step, double wallTimeSeconds);

  /** An image already encoded as PNG; its size is read from the PNG header. */
  void imagePng(String tag, byte[] png, long step);

  void imagePng(String tag, byte[] png, long step, double wallTimeSeconds);

  /** Several images as one grid, {@code columns} per row (see {@link Images#grid(List, int, int)}). */
  void images(String tag, List<BufferedImage> images, int columns, long step);

  void images(String tag, List<BufferedImage> images, int columns, long step, double wallTimeSeconds);

  // ---- audio ----

  /**
   * An audio clip for TensorBoard's audio plugin: {@code samples} in [-1, 1] (clipped), interleaved
   * by channel, written as a 16-bit PCM WAV file of {@code sampleRate} frames a second.
   */
  void audio(String tag, float[] samples, int channels, float sampleRate, long step);

  /** {@link #audio(String, float[], int, float, long)} at a wall time of the caller's. */
  void audio(String tag, float[] samples, int channels, float sampleRate, long step, double wallTimeSeconds);

  /**
   * {@link #audio(String, float[], int, float, long)} with a label: Markdown shown under the clip
   * (stored beside the WAV bytes, where {@code tf.summary.audio}'s labels go; the Audio tab and
   * TensorBoard render it). An empty label is none.
   */
  void audio(String tag, float[] samples, int channels, float sampleRate, String labelMarkdown, long step);

  // ---- text ----

  /** Markdown text, shown by TensorBoard's text dashboard (which sanitises it). */
  /**
   * An embedding for the projector, laid out as {@code torch.utils.tensorboard}'s {@code
   * add_embedding} writes it beside the event files ({@code <logdir>/<step as 5 digits>/<tag>/} with
   * {@code tensors.tsv}, {@code metadata.tsv}, {@code sprite.png}, and an entry appended to {@code
   * projector_config.pbtxt}), so TensorBoard's projector shows it as well. Written at once, not
   * through the event queue.
   *
   * @param vectors one row per point, all of the same length
   * @param labels one label per row, or null for none
   * @param images one image per row, all of the same size, shown as the points' sprites; or null
   * @param step at least 0
   */
  default void embedding(String tag, float[][] vectors, List<String> labels, List<BufferedImage> images, long step) {
    embedding(tag, vectors, null, labels == null ? null : labels.stream().map(List::of).toList(), images, step);
  }

  /**
   * As {@link #embedding(String, float[][], List, List, long)} with metadata of several columns:
   * {@code header} names them (null for a single column, which has no header row) and {@code
   * metadata} holds a row of values per vector.
   */
  default void embedding(String tag, float[][] vectors, List<String> header, List<List<String>> metadata,
      List<BufferedImage> images, long step) {
    EmbeddingWriter.write(logdir(), tag, vectors, header, metadata, images, step);
  }

  void text(String tag, String markdown, long step);

  void text(String tag, String markdown, long step, double wallTimeSeconds);

  // ---- PR curves ----

  /**
   * A precision-recall curve of a binary classifier over {@code numThresholds} evenly spaced
   * thresholds in [0, 1], computed as TensorBoard's pr_curves plugin does.
   *
   * @param predictions probabilities in [0, 1], one per label
   */
  void prCurve(String tag, boolean[] labels, float[] predictions, int numThresholds, long step);

  void prCurve(String tag, boolean[] labels, float[] predictions, int numThresholds, long step,
      double wallTimeSeconds);

  // ---- custom scalars ----

  /**
   * The layout of TensorBoard's custom scalars dashboard, under the tag {@code
   * custom_scalars__config__} at step 0 (a DT_STRING scalar holding the serialized {@code Layout},
   * plugin {@code custom_scalars}); a later layout replaces an earlier one, as TensorBoard reads the
   * latest.
   */
  void customScalars(CustomScalars layout);

  // ---- raw tensors ----

  /**
   * A tensor with the caller's metadata (null for none), for plugins this interface has no method
   * for. The metadata of a tag's first value counts; a later value naming another plugin is refused.
   */
  void tensor(String tag, TensorProto tensor, SummaryMetadata metadata, long step);

  void tensor(String tag, TensorProto tensor, SummaryMetadata metadata, long step, double wallTimeSeconds);

  // ---- meshes ----

  /**
   * A triangle mesh or point cloud as TensorFlow's mesh plugin writes it, which TensorBoard's Mesh
   * dashboard and Trainscope's Mesh tab draw: the tags {@code <name>_VERTEX} (float32 [1, n, 3]),
   * {@code <name>_FACE} (int32 [1, faces, 3], vertex indices of each triangle) and {@code
   * <name>_COLOR} (uint8 [1, n, 3]), each with a {@code MeshPluginData} naming the mesh.
   *
   * @param vertices x, y, z of each vertex
   * @param faces three vertex indices per triangle, or null for a point cloud
   * @param colors r, g, b (0 to 255) of each vertex, or null
   */
  default void mesh(String name, float[][] vertices, int[][] faces, int[][] colors, long step) {
    for (MeshParts.Part p : MeshParts.of(name, vertices, faces, colors)) {
      tensor(p.tag(), p.tensor(), p.metadata(), step);
    }
  }

  /**
   * Gives a tag a display name and a Markdown description, which go into the metadata of its first
   * value. Must come before that value; afterwards it throws {@link IllegalStateException}.
   */
  void describe(String tag, String displayName, String description);

  /**
   * {@link #describe(String, String, String)} with what the tag is, for programs: its role, split,
   * layer and parameter go into the description's last line ({@link TagMeaning#line()}), where
   * Trainscope's diagnosis, Layers view and tabs read them instead of guessing from the tag's name.
   */
  default void describe(String tag, String displayName, String sentence, TagMeaning meaning) {
    describe(tag, displayName, meaning.describe(sentence));
  }

  // ---- graphs ----

  /**
   * The model's graph, for TensorBoard's graph dashboard and Trainscope's: an event at step 0
   * whose {@code graph_def} holds the encoded GraphDef, as TensorFlow's and PyTorch's writers log
   * theirs. Node names are '/'-separated paths whose prefixes become name scopes. A run shows one
   * graph; when a file holds several, TensorBoard takes the last.
   *
   * @throws IllegalArgumentException when a node has an empty name or two nodes share a name
   */
  void graph(GraphDefProto graph);

  void graph(GraphDefProto graph, double wallTimeSeconds);

  // ---- hparams ----

  /**
   * Declares the hparams experiment: the hyperparameters with their domains and the metrics
   * TensorBoard's HPARAMS dashboard shows. Written once per run, at step 0.
   */
  void hparamsExperiment(List<HParam> hparams, List<HParamMetric> metrics);

  /**
   * Starts the hparams session of this run with its hyperparameter values (numbers, booleans or
   * strings). TensorBoard takes one session per run.
   */
  void hparamsSessionStart(Map<String, ?> hparams);

  /** As {@link #hparamsSessionStart(Map)}, grouping sessions with equal {@code groupName} (trials). */
  void hparamsSessionStart(Map<String, ?> hparams, String groupName);

  /** Ends the hparams session of this run. */
  void hparamsSessionEnd(SessionStatus status);

  /**
   * One finished trial in one call, like PyTorch's {@code add_hparams}: a new run {@code
   * <logdir>/<wall time in seconds>} (with {@code -1}, {@code -2}... appended if that exists) gets
   * the experiment (hparams typed by their values, metrics by name), a session start, the metrics
   * as scalars at step 0 and a successful session end; its file is closed afterwards.
   */
  void hparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics);

  /** As {@link #hparams(Map, Map)}, in the run {@code <logdir>/<runName>}. */
  void hparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics, String runName);

  // ---- lifecycle ----

  /**
   * Returns when everything logged before the call (by any thread) has been handed to the operating
   * system, so that it survives the process being killed; with {@link Builder#fsyncOnFlush} also
   * forced to the disk. After {@link #close()} it does nothing.
   *
   * @throws UncheckedIOException if writing failed
   */
  @Override
  void flush();

  /**
   * Flushes and closes the event files. Idempotent; a concurrent second call waits for the first.
   *
   * @throws UncheckedIOException if writing failed, now or before
   */
  @Override
  void close();

  /** Settings of a writer. */
  final class Builder {
    /** Queue slots when not set: 1.2 MB, 6 ms of logging at 5 million scalars a second. */
    public static final int DEFAULT_QUEUE_CAPACITY = 32 * 1024;
    public static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;
    static final int MAX_QUEUE_CAPACITY = 1 << 24;
    static final InstantSource SYSTEM_CLOCK = Clock.systemUTC();

    final Path logdir;
    int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    String fileNameSuffix = "";
    boolean fsyncOnFlush;
    InstantSource clock = SYSTEM_CLOCK;
    long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;

    Builder(Path logdir) {
      this.logdir = Require.nonNull(logdir, "logdir");
    }

    /**
     * The number of values the queue holds before logging waits; rounded up to a power of two. Each
     * slot takes 36 bytes.
     */
    public Builder queueCapacity(int slots) {
      Require.inRange(slots, 2, MAX_QUEUE_CAPACITY, "queueCapacity");
      this.queueCapacity = slots;
      return this;
    }

    /** Appended to the event file's name, as TensorFlow's {@code filename_suffix}; "" by default. */
    public Builder fileNameSuffix(String suffix) {
      Require.nonNull(suffix, "fileNameSuffix");
      if (!suffix.isEmpty()) {
        Require.pathPart(suffix, "fileNameSuffix");
      }
      this.fileNameSuffix = suffix;
      return this;
    }

    /** Whether {@link #flush()} and {@link #close()} also force the data to the disk; false by default. */
    public Builder fsyncOnFlush(boolean fsync) {
      this.fsyncOnFlush = fsync;
      return this;
    }

    /**
     * Where wall times (and the file name's seconds) come from. By default the system clock with
     * millisecond resolution, read as cheaply as it can be: while the background thread is busy
     * writing scalars, calls share the reading it took before its current batch (microseconds
     * old, unless the OS suspended the thread), else each call reads the clock.
     */
    public Builder clock(InstantSource clock) {
      this.clock = Require.nonNull(clock, "clock");
      return this;
    }

    /**
     * How many bytes of queued images, histograms and other large values may wait for the
     * background thread before logging more of them waits; 64 MiB by default. A single larger
     * value still goes through when nothing else is pending.
     */
    public Builder maxPendingBytes(long bytes) {
      this.maxPendingBytes = Require.positive(bytes, "maxPendingBytes");
      return this;
    }

    /**
     * Creates the log directory if needed and the event file, and starts the background thread.
     *
     * @throws UncheckedIOException if the directory or the file cannot be created
     */
    public SummaryWriter build() {
      return new DefaultSummaryWriter(this);
    }
  }
}
