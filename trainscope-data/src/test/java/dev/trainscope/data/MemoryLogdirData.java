package dev.trainscope.data;

import dev.trainscope.events.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link LogdirData} held in plain collections, copied from another one through the interface
 * alone ({@link #copyOf}): no files, no loader, no store. Tests hand it to the readers (the
 * diagnosis, the HTTP API) to show that the interface is all they need.
 *
 * <p>Scalars are downsampled by grouping neighbouring points evenly, not as the store does it, so
 * {@link #scalarBuckets} answers differ from the store's in where buckets split (the contract is
 * the same: at most the buckets asked for, each saying exactly what its points hold).
 */
public final class MemoryLogdirData implements LogdirData {
  /** One tag's values; only the list of its kind is filled. */
  private record Tag(TagInfo info, ScalarPoints scalars, List<HistogramStep> histograms, List<BlobInfo> blobs,
      Map<Long, List<byte[]>> blobBytes, List<TextStep> text, List<PrCurveStep> prCurves,
      Map<Long, List<AudioClip>> clips) {

    Tag(TagInfo info, ScalarPoints scalars, List<HistogramStep> histograms, List<BlobInfo> blobs,
        Map<Long, List<byte[]>> blobBytes, List<TextStep> text, List<PrCurveStep> prCurves) {
      this(info, scalars, histograms, blobs, blobBytes, text, prCurves, Map.of());
    }
  }

  private record Run(RunInfo info, List<Problem> problems, Map<String, Tag> tags, List<String> modelFiles,
      Map<String, byte[]> modelBytes, byte[] metaGraph, List<MeshInfo> meshes, List<TagInfo> embeddingTags,
      List<Embedding> embeddings) {}

  /** An embedding as the source listed it, with its vectors, metadata and sprite (null: none) when readable. */
  private record Embedding(EmbeddingInfo info, float[][] rows, EmbeddingInfo.Metadata metadata, byte[] sprite) {}

  private final Map<String, Run> runs = new TreeMap<>();
  private final LoadProgress progress;
  private final List<Problem> logdirProblems;
  private final HParamsTable hparams;

  private MemoryLogdirData(LoadProgress progress, List<Problem> logdirProblems, HParamsTable hparams) {
    this.progress = progress;
    this.logdirProblems = List.copyOf(logdirProblems);
    this.hparams = hparams;
  }

  /**
   * Everything {@code source} answers now: every run with its tags and each tag's values, the
   * blobs' bytes, the ONNX model files and meta graphs, the hparams table, progress and problems.
   */
  public static MemoryLogdirData copyOf(LogdirData source) throws IOException {
    MemoryLogdirData out = new MemoryLogdirData(source.progress(), source.logdirProblems(), source.hparams());
    for (RunInfo r : source.runs()) {
      String run = r.name();
      Map<String, Tag> tags = new LinkedHashMap<>();
      List<TagInfo> embeddingTags = new ArrayList<>(); // listed after the event files' tags, whose names they may share
      for (TagInfo t : source.tags(run)) {
        if (t.kind() == TagKind.EMBEDDING) {
          embeddingTags.add(t);
        } else {
          tags.put(t.tag(), copyTag(source, t));
        }
      }
      List<String> models = source.modelFiles(run, ".onnx");
      Map<String, byte[]> modelBytes = new HashMap<>();
      for (String m : models) {
        modelBytes.put(m, source.modelFile(run, m, ".onnx"));
      }
      out.runs.put(run, new Run(r, source.problems(run), tags, models, modelBytes, source.metaGraph(run),
          source.meshes(run), embeddingTags, copyEmbeddings(source, run)));
    }
    return out;
  }

  private static List<Embedding> copyEmbeddings(LogdirData source, String run) throws IOException {
    List<Embedding> out = new ArrayList<>();
    for (EmbeddingInfo e : source.embeddings(run)) {
      if (!e.problem().isEmpty()) {
        out.add(new Embedding(e, null, null, null));
        continue;
      }
      float[][] rows = new float[e.rows()][];
      source.embeddingRows(run, e.tag(), e.step(), 0, e.rows(), (i, v) -> rows[i] = v.clone());
      byte[] sprite = e.spriteWidth() > 0 ? source.embeddingSprite(run, e.tag(), e.step()) : null;
      out.add(new Embedding(e, rows, source.embeddingMetadata(run, e.tag(), e.step()), sprite));
    }
    return out;
  }

  private Embedding findEmbedding(String run, String tag, long step) {
    EmbeddingInfo wanted = embedding(run, tag, step);
    for (Embedding e : find(run).embeddings()) {
      if (e.info().equals(wanted)) {
        return e;
      }
    }
    throw new NoSuchTagException(run, tag);
  }

  @Override
  public List<EmbeddingInfo> embeddings(String run) {
    return find(run).embeddings().stream().map(Embedding::info).toList();
  }

  @Override
  public void embeddingRows(String run, String tag, long step, int from, int max, EmbeddingInfo.Rows sink)
      throws IOException {
    Embedding e = findEmbedding(run, tag, step);
    if (e.rows() == null) {
      throw new IOException("the embedding '" + tag + "' cannot be read: " + e.info().problem());
    }
    int end = (int) Math.min(e.rows().length, (long) from + Math.max(0, max));
    for (int i = from; i < end; i++) {
      sink.row(i, e.rows()[i].clone());
    }
  }

  @Override
  public EmbeddingInfo.Metadata embeddingMetadata(String run, String tag, long step) {
    Embedding e = findEmbedding(run, tag, step);
    return e.metadata() == null ? new EmbeddingInfo.Metadata(List.of(), List.of()) : e.metadata();
  }

  @Override
  public byte[] embeddingSprite(String run, String tag, long step) {
    Embedding e = findEmbedding(run, tag, step);
    if (e.sprite() == null) {
      throw new NoSuchTagException(run, tag, "the embedding '" + tag + "' at step " + step + " has no sprite");
    }
    return e.sprite().clone();
  }

  private static Tag copyTag(LogdirData source, TagInfo t) throws IOException {
    String run = t.run();
    String tag = t.tag();
    switch (t.kind()) {
      case SCALAR:
        return new Tag(t, source.scalars(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE), null, null,
            null, null, null);
      case HISTOGRAM:
        return new Tag(t, null, source.histograms(run, tag), null, null, null, null);
      case TEXT:
        return new Tag(t, null, null, null, null, source.text(run, tag), null);
      case PR_CURVE:
        return new Tag(t, null, null, null, null, null, source.prCurves(run, tag));
      default:
        List<BlobInfo> blobs = source.blobs(run, tag);
        Map<Long, List<byte[]>> bytes = new HashMap<>();
        for (BlobInfo b : blobs) {
          List<byte[]> items = new ArrayList<>();
          for (int i = 0; i < Math.max(1, b.count()); i++) {
            try {
              items.add(source.blob(run, tag, b.step(), i));
            } catch (IOException e) {
              items.add(null); // not readable there (an hparams tag's value): not here either
            }
          }
          bytes.put(b.step(), items);
        }
        Map<Long, List<AudioClip>> clips = new HashMap<>();
        if (t.kind() == TagKind.AUDIO) {
          for (BlobInfo b : blobs) {
            clips.put(b.step(), source.audio(run, tag, b.step()));
          }
        }
        return new Tag(t, null, null, blobs, bytes, null, null, clips);
    }
  }

  private Run find(String name) {
    Run r = runs.get(name);
    if (r == null) {
      throw new NoSuchRunException(name);
    }
    return r;
  }

  /** The tag, refused unless it holds {@code kind} values (any kind when null). */
  private Tag find(String run, String tag, TagKind kind) {
    Tag t = find(run).tags().get(tag);
    if (t == null) {
      throw new NoSuchTagException(run, tag);
    }
    if (kind != null && t.info().kind() != kind) {
      throw new NoSuchTagException(run, tag, "tag '" + tag + "' holds " + t.info().kind() + " values, not " + kind);
    }
    return t;
  }

  private static void requireRange(long fromStep, long toStep) {
    if (fromStep > toStep) {
      throw new IllegalArgumentException("fromStep " + fromStep + " is after toStep " + toStep);
    }
  }

  @Override
  public LoadProgress progress() {
    return progress;
  }

  @Override
  public List<Problem> logdirProblems() {
    return logdirProblems;
  }

  @Override
  public List<RunInfo> runs() {
    List<RunInfo> out = new ArrayList<>();
    for (Run r : runs.values()) {
      out.add(r.info());
    }
    return out;
  }

  @Override
  public RunInfo run(String name) {
    return find(name).info();
  }

  @Override
  public List<Problem> problems(String run) {
    return find(run).problems();
  }

  @Override
  public List<TagInfo> tags(String run) {
    List<TagInfo> out = new ArrayList<>();
    for (Tag t : find(run).tags().values()) {
      out.add(t.info());
    }
    out.addAll(find(run).embeddingTags());
    return out;
  }

  @Override
  public TagInfo tag(String run, String tag) {
    try {
      return find(run, tag, null).info();
    } catch (NoSuchTagException e) {
      for (TagInfo t : find(run).embeddingTags()) {
        if (t.tag().equals(tag)) {
          return t;
        }
      }
      throw e;
    }
  }

  @Override
  public ScalarPoints scalars(String run, String tag, long fromStep, long toStep, int limit) {
    requireRange(fromStep, toStep);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    ScalarPoints all = find(run, tag, TagKind.SCALAR).scalars();
    int from = 0;
    while (from < all.size() && all.steps()[from] < fromStep) {
      from++;
    }
    int to = from;
    while (to < all.size() && all.steps()[to] <= toStep && to - from < limit) {
      to++;
    }
    boolean more = to < all.size() && all.steps()[to] <= toStep;
    return new ScalarPoints(run, tag, Arrays.copyOfRange(all.steps(), from, to),
        Arrays.copyOfRange(all.wallTimes(), from, to), Arrays.copyOfRange(all.values(), from, to), more,
        more ? all.steps()[to] : 0);
  }

  /** Neighbouring points grouped evenly into at most {@code buckets} buckets. */
  @Override
  public ScalarBuckets scalarBuckets(String run, String tag, long fromStep, long toStep, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, was " + buckets);
    }
    ScalarPoints p = scalars(run, tag, fromStep, toStep, Integer.MAX_VALUE);
    int n = Math.min(buckets, p.size());
    long[] firstStep = new long[n];
    long[] lastStep = new long[n];
    double[] firstWall = new double[n];
    double[] lastWall = new double[n];
    double[] min = new double[n];
    double[] max = new double[n];
    double[] first = new double[n];
    double[] last = new double[n];
    double[] mean = new double[n];
    long[] count = new long[n];
    long[] nan = new long[n];
    long[] posInf = new long[n];
    long[] negInf = new long[n];
    for (int b = 0; b < n; b++) {
      int from = (int) ((long) b * p.size() / n);
      int to = (int) ((long) (b + 1) * p.size() / n);
      firstStep[b] = p.steps()[from];
      lastStep[b] = p.steps()[to - 1];
      firstWall[b] = p.wallTimes()[from];
      lastWall[b] = p.wallTimes()[to - 1];
      first[b] = p.values()[from];
      last[b] = p.values()[to - 1];
      count[b] = to - from;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      double sum = 0;
      long finite = 0;
      for (int i = from; i < to; i++) {
        double v = p.values()[i];
        if (Double.isNaN(v)) {
          nan[b]++;
        } else if (v == Double.POSITIVE_INFINITY) {
          posInf[b]++;
        } else if (v == Double.NEGATIVE_INFINITY) {
          negInf[b]++;
        } else {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          sum += v;
          finite++;
        }
      }
      min[b] = finite == 0 ? Double.NaN : lo;
      max[b] = finite == 0 ? Double.NaN : hi;
      mean[b] = finite == 0 ? Double.NaN : sum / finite;
    }
    return new ScalarBuckets(run, tag, firstStep, lastStep, firstWall, lastWall, min, max, first, last, mean, count,
        nan, posInf, negInf);
  }

  @Override
  public List<HistogramStep> histograms(String run, String tag, long fromStep, long toStep) {
    requireRange(fromStep, toStep);
    List<HistogramStep> out = new ArrayList<>();
    for (HistogramStep h : find(run, tag, TagKind.HISTOGRAM).histograms()) {
      if (h.step() >= fromStep && h.step() <= toStep) {
        out.add(h);
      }
    }
    return out;
  }

  @Override
  public List<BlobInfo> blobs(String run, String tag) {
    Tag t = find(run, tag, null);
    if (t.blobs() == null) {
      throw new NoSuchTagException(run, tag, "tag '" + tag + "' holds " + t.info().kind() + " values, not blobs");
    }
    return t.blobs();
  }

  @Override
  public List<AudioClip> audio(String run, String tag, long step) {
    List<AudioClip> clips = find(run, tag, TagKind.AUDIO).clips().get(step);
    if (clips == null) {
      throw new NoSuchTagException(run, tag, "tag '" + tag + "' has no clip at step " + step);
    }
    return clips;
  }

  @Override
  public byte[] blob(String run, String tag, long step, int index) throws IOException {
    Tag t = find(run, tag, null);
    List<byte[]> items = t.blobBytes() == null ? null : t.blobBytes().get(step);
    if (items == null) {
      throw new NoSuchTagException(run, tag, "tag '" + tag + "' has no blob at step " + step);
    }
    if (index < 0 || index >= items.size()) {
      throw new NoSuchTagException(run, tag, "step " + step + " holds " + items.size() + " items; no item " + index);
    }
    if (items.get(index) == null) {
      throw new IOException("item " + index + " of step " + step + " of tag '" + tag + "' could not be read when copied");
    }
    return items.get(index);
  }

  @Override
  public byte[] metaGraph(String run) {
    return find(run).metaGraph();
  }

  /** The ONNX files copied; none of another suffix. */
  @Override
  public List<String> modelFiles(String run, String suffix) {
    return suffix.equals(".onnx") ? find(run).modelFiles() : List.of();
  }

  @Override
  public byte[] modelFile(String run, String name, String suffix) throws IOException {
    byte[] bytes = modelFiles(run, suffix).contains(name) ? find(run).modelBytes().get(name) : null;
    if (bytes == null) {
      throw new java.nio.file.NoSuchFileException(name, null, "no model file of run " + run + " has that name");
    }
    return bytes;
  }

  @Override
  public List<TextStep> text(String run, String tag) {
    return find(run, tag, TagKind.TEXT).text();
  }

  @Override
  public List<PrCurveStep> prCurves(String run, String tag) {
    return find(run, tag, TagKind.PR_CURVE).prCurves();
  }

  /** The meshes as the source grouped them; {@link #mesh} reads them from the copied blobs. */
  @Override
  public List<MeshInfo> meshes(String run) {
    return find(run).meshes();
  }

  @Override
  public HParamsTable hparams() {
    return hparams;
  }

  /** A copy never changes: there is nothing to tell a listener. */
  @Override
  public void addListener(StoreListener l) {}

  @Override
  public void removeListener(StoreListener l) {}
}
