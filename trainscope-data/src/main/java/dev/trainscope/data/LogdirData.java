package dev.trainscope.data;

import dev.trainscope.events.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a log directory holds, as its readers ask for it: the runs, their tags, and each tag's values
 * by kind, with the load's progress and its changes as they happen. The query interface in front of
 * {@link RunStore}, as TensorBoard's {@code DataProvider} is in front of its data: the HTTP API, the
 * graph and layer views and the diagnosis read only through it, so they do not depend on how the
 * data is found, loaded or kept, and a test can hand them data of its own.
 *
 * <p>A run that does not exist is a {@link NoSuchRunException}; a tag that does not exist, or holds
 * values of another kind than asked for, a {@link NoSuchTagException}. Implementations are
 * thread-safe; what they return is a copy that later loading does not change.
 */
public interface LogdirData {
  /** How far loading has come: bytes and runs read of those known, and whether the first listing is done. */
  LoadProgress progress();

  /**
   * What the last look at the log directories could not list: a folder left out (a symbolic link
   * to a place that cannot be read, a folder without permission), or a whole log directory, each
   * with the path and the reason. Empty once the listing works again.
   */
  List<Problem> logdirProblems();

  /** The runs, sorted by name. */
  List<RunInfo> runs();

  RunInfo run(String name);

  /** The most recent problems met while reading a run (at most 100). */
  List<Problem> problems(String run);

  /** The tags of a run, in the order they first appeared. */
  List<TagInfo> tags(String run);

  TagInfo tag(String run, String tag);

  /**
   * Up to {@code limit} exact points of a scalar tag with {@code fromStep <= step <= toStep}; when
   * more remain, {@link ScalarPoints#more()} is set and the next page starts at {@link
   * ScalarPoints#nextStep()}.
   */
  ScalarPoints scalars(String run, String tag, long fromStep, long toStep, int limit);

  /** A scalar tag's points in a step range, downsampled to at most {@code buckets} buckets. */
  ScalarBuckets scalarBuckets(String run, String tag, long fromStep, long toStep, int buckets);

  /** The histograms of a tag with {@code fromStep <= step <= toStep}, in step order. */
  List<HistogramStep> histograms(String run, String tag, long fromStep, long toStep);

  /** Every histogram of a tag, in step order. */
  default List<HistogramStep> histograms(String run, String tag) {
    return histograms(run, tag, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** The histograms of a tag compressed to TensorBoard's nine basis points, in step order. */
  default List<DistributionStep> distributions(String run, String tag) {
    List<DistributionStep> out = new ArrayList<>();
    for (HistogramStep h : histograms(run, tag)) {
      out.add(new DistributionStep(h.step(), h.wallTime(), Distributions.compress(h.left(), h.right(), h.count())));
    }
    return out;
  }

  /** What each step of an image, audio, graph, run metadata, hparams or tensor tag holds. */
  List<BlobInfo> blobs(String run, String tag);

  /**
   * The bytes of item {@code index} of a step of an image, audio, graph, run-metadata or tensor tag:
   * an encoded image or clip, a serialized GraphDef, RunMetadata or TensorProto, a Keras model's JSON.
   */
  byte[] blob(String run, String tag, long step, int index) throws IOException;

  /** The clips of a step of an audio tag, with their rate, channels, length and labels. */
  List<AudioClip> audio(String run, String tag, long step) throws IOException;

  /** The serialized MetaGraphDef the run logged last, or null when it logged none. */
  byte[] metaGraph(String run) throws IOException;

  /**
   * The names of the model files saved beside a run's event files whose names end with {@code
   * suffix} ({@code ".onnx"}), sorted.
   */
  List<String> modelFiles(String run, String suffix) throws IOException;

  /** The bytes of a model file listed by {@link #modelFiles}; only such names are accepted. */
  byte[] modelFile(String run, String name, String suffix) throws IOException;

  /** The text of each step of a text tag. */
  List<TextStep> text(String run, String tag);

  /** The PR curve of each step of a pr_curves tag. */
  List<PrCurveStep> prCurves(String run, String tag);

  /**
   * The meshes of a run: its {@link TagKind#MESH} tags grouped by the mesh each part belongs to, in
   * order of first appearance.
   */
  List<MeshInfo> meshes(String run);

  /**
   * Element {@code sample} of the batch of mesh {@code name} at {@code step}, read from its tags'
   * tensors (faces and colours logged less often than vertices are taken from their latest step
   * before). An unknown mesh or step is a {@link NoSuchTagException}; a sample outside the batch,
   * or a mesh of more than a million vertices or two million faces, an IllegalArgumentException.
   */
  default MeshStep mesh(String run, String name, long step, int sample) throws IOException {
    return Meshes.read(this, run, name, step, sample);
  }

  /**
   * The custom scalars dashboard's layout: the layouts the runs logged under {@code
   * custom_scalars__config__}, merged (see {@link ScalarLayout}).
   */
  default ScalarLayout customScalars() {
    return ScalarLayout.read(this);
  }

  /**
   * The embeddings of a run, for the projector: those its {@code projector_config.pbtxt} names
   * and the rank-2 tensors it logged without a plugin, each also listed by {@link #tags} as a tag
   * of kind {@link TagKind#EMBEDDING}. None where an implementation keeps none.
   */
  default List<EmbeddingInfo> embeddings(String run) {
    run(run);
    return List.of();
  }

  /** The embedding of a run listed under {@code tag} at {@code step}. */
  default EmbeddingInfo embedding(String run, String tag, long step) {
    for (EmbeddingInfo e : embeddings(run)) {
      if (e.tag().equals(tag) && e.step() == step) {
        return e;
      }
    }
    throw new NoSuchTagException(run, tag, "run '" + run + "' has no embedding '" + tag + "' at step " + step);
  }

  /**
   * Hands rows {@code from <= i < from + max} of an embedding's vectors to {@code sink}, one at a
   * time, read from the files as they go (an embedding is never held whole).
   */
  default void embeddingRows(String run, String tag, long step, int from, int max, EmbeddingInfo.Rows sink)
      throws IOException {
    embedding(run, tag, step);
    throw new IOException("this store does not read embeddings");
  }

  /**
   * What changes when an embedding's vectors change, even where its listing does not (a tensor
   * file rewritten with the same shape, a tensor logged again at the same step): a cache of what
   * was computed from the vectors keys by it. "" where the vectors never change (a snapshot).
   */
  default String embeddingVersion(String run, String tag, long step) throws IOException {
    embedding(run, tag, step);
    return "";
  }

  /** The metadata of an embedding (no columns when it has none). */
  default EmbeddingInfo.Metadata embeddingMetadata(String run, String tag, long step) throws IOException {
    embedding(run, tag, step);
    return new EmbeddingInfo.Metadata(List.of(), List.of());
  }

  /** The bytes of an embedding's sprite image, as stored. */
  default byte[] embeddingSprite(String run, String tag, long step) throws IOException {
    embedding(run, tag, step);
    throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' has no sprite");
  }

  /**
   * The hyperparameter table: one row per run that logged a session start, with the last values
   * of its experiment's metrics.
   */
  HParamsTable hparams();

  /** Tells {@code l} of new runs, tags and steps, and of the load's progress, from now on. */
  void addListener(StoreListener l);

  void removeListener(StoreListener l);
}
