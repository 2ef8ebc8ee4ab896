package dev.trainscope.data;

import dev.trainscope.events.EventScanner;
import dev.trainscope.events.Problem;
import dev.trainscope.events.RecordScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every run of a log directory, held in memory losslessly and kept up to date: the heart of the
 * dashboard and of the diagnosis engine.
 *
 * <ul>
 *   <li>Discovery as TensorBoard does it: each directory holding files whose name contains
 *       {@code tfevents} is a run named by its path relative to the log directory ({@code .} for
 *       the root); a run's files are read in name order; new runs, files and bytes are picked up
 *       by polling; runs whose files are gone disappear; a file replaced or shrunk makes its run
 *       be read again from the start.
 *   <li>Loading is parallel across runs on a pool sized to the cores, sequential within a run,
 *       in chunks of a few megabytes, so that every run is queryable while a big log directory is
 *       still loading.
 *   <li>Scalars are kept whole in compressed series ({@link ScalarSeries}); histograms, text and
 *       PR curves as compact arrays; images, audio, graphs and other tensors stay in the files and
 *       are read back (checksums checked again) when asked for.
 *   <li>Memory has a budget: past it, the oldest histogram steps of the least recently queried
 *       runs are dropped from memory and read again from the files when asked for.
 * </ul>
 *
 * <p>Readers ask it through {@link LogdirData}, the query interface. Its jobs are classes of their
 * own: {@link LogdirLoader} lists the log directories and schedules the loads, {@link RunLoader}
 * reads one run, {@link CommittedRuns} answers from what was loaded, {@link BlobReads} reads back
 * what stays in the files, {@link HParamsJoin} joins the hparams sessions with their metrics,
 * {@link MemoryBudget} keeps memory under the budget.
 *
 * <p>Thread-safe. Queries never see a chunk half applied.
 */
public final class RunStore implements LogdirData, AutoCloseable {
  private final List<Source> sources;
  private final StoreListeners listeners = new StoreListeners();
  private final MemoryBudget budget;
  private final LogdirLoader loader;
  private final CommittedRuns committed;
  private final BlobReads blobReads;
  private final HParamsJoin hparams;
  private final EmbeddingFiles embeddings;

  private RunStore(Builder b) {
    this.sources = List.copyOf(b.sources);
    EventScanner scanner = EventScanner.create(RecordScanner.create(b.verifyChecksums, RecordScanner.DEFAULT_BUFFER_SIZE));
    // object storage: a loader spends much of its time waiting for a ranged GET, so more of them
    // keep the cores busy (and the gate, which leaves the JIT a core, counts loaders as a share of one)
    int perCore = 1;
    for (Source s : sources) {
      perCore = Math.max(perCore, s.storage().loadersPerCore());
    }
    int threads = b.threads * perCore;
    Map<String, Run> runs = new ConcurrentHashMap<>();
    RunProblems problems = new RunProblems();
    LoadTotals totals = new LoadTotals();
    this.budget = new MemoryBudget(runs, b.memoryBudget, totals);
    this.loader = new LogdirLoader(sources, b.reloadInterval, threads, perCore, runs, problems, listeners,
        new RunLoader(scanner, b.chunkBytes, threads, problems, listeners, totals), budget, totals);
    this.committed = new CommittedRuns(runs, problems);
    this.blobReads = new BlobReads(committed);
    this.hparams = new HParamsJoin(runs);
    this.embeddings = new EmbeddingFiles(committed, blobReads);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A store over one local log directory, with the default settings. */
  public static RunStore open(Path logdir) {
    return builder().logdir(logdir).build();
  }

  /** Settings of a store. */
  public static final class Builder {
    private final List<Source> sources = new ArrayList<>();
    private Duration reloadInterval = Duration.ofSeconds(5);
    private int threads = Runtime.getRuntime().availableProcessors();
    private long chunkBytes = 4L << 20;
    private long memoryBudget = Runtime.getRuntime().maxMemory() / 2;
    private boolean verifyChecksums = true;

    private Builder() {}

    /** Adds a local log directory whose runs are named by their path relative to it. */
    public Builder logdir(Path dir) {
      return source("", Storage.local(Objects.requireNonNull(dir, "logdir")));
    }

    /**
     * Adds a log directory as a user writes it: a local path or {@code s3://bucket/prefix} (see
     * {@link Storage#at}); another URL scheme is refused with the ones supported.
     */
    public Builder logdir(String location) {
      return source("", Storage.at(Objects.requireNonNull(location, "logdir")));
    }

    /**
     * Adds TensorBoard-style {@code name:path,name:path} log directories, each a local path or an
     * {@code s3://} URL. Nothing is added when any entry is refused.
     */
    public Builder logdirSpec(String spec) {
      List<LogdirSpec.Entry> entries = LogdirSpec.parse(spec);
      for (LogdirSpec.Entry e : entries) {
        Storage.requireSupported(e.path());
      }
      for (LogdirSpec.Entry e : entries) {
        source(e.name(), Storage.at(e.path()));
      }
      return this;
    }

    /** Adds a log directory on any storage; its runs are prefixed with {@code name/} unless name is "". */
    public Builder source(String name, Storage storage) {
      for (Source s : sources) {
        if (s.name().equals(name)) {
          throw new IllegalArgumentException("a log directory named '" + name + "' was already added");
        }
      }
      sources.add(new Source(name, storage));
      return this;
    }

    /** How often to look for new runs, files and bytes; ZERO polls only on {@link RunStore#reload()}. */
    public Builder reloadInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("reloadInterval must not be negative, was " + interval);
      }
      this.reloadInterval = interval;
      return this;
    }

    /**
     * Loaders per log directory kind: this many for a local folder, times {@link
     * Storage#loadersPerCore} for object storage. The default is the number of cores.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Bytes read from one file before the store lets queries in and other runs load. */
    public Builder chunkBytes(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("chunkBytes must be >= 4096, was " + bytes);
      }
      this.chunkBytes = bytes;
      return this;
    }

    /** The memory the store aims to stay under; histograms beyond it are read again on demand. */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudget must be > 0, was " + bytes);
      }
      this.memoryBudget = bytes;
      return this;
    }

    public Builder verifyChecksums(boolean verify) {
      this.verifyChecksums = verify;
      return this;
    }

    public RunStore build() {
      if (sources.isEmpty()) {
        throw new IllegalStateException("no log directory given");
      }
      return new RunStore(this);
    }
  }

  // ---- lifecycle ----

  /** Lists the log directories now and keeps polling them every reload interval; loads in the background. */
  public void start() {
    loader.start();
  }

  /** Lists the log directories and waits until everything found has been read. */
  public void reload() throws InterruptedException {
    loader.reload();
  }

  /** Waits until no load is queued or running. */
  public void awaitIdle() throws InterruptedException {
    loader.awaitIdle();
  }

  /** Stops polling and loading, and closes the storages (their connections and threads). */
  @Override
  public void close() {
    loader.close();
  }

  /** What reading the log directories has cost so far: requests and bytes of object storage. */
  public Storage.Traffic traffic() {
    Storage.Traffic t = Storage.Traffic.NONE;
    for (Source s : sources) {
      t = t.plus(s.storage().traffic());
    }
    return t;
  }

  @Override
  public void addListener(StoreListener l) {
    listeners.add(l);
  }

  @Override
  public void removeListener(StoreListener l) {
    listeners.remove(l);
  }

  /** Bytes the store holds, as of the last load of each run. */
  public long memoryBytes() {
    return budget.memoryBytes();
  }

  // ---- queries (LogdirData) ----

  @Override
  public LoadProgress progress() {
    return loader.progress();
  }

  @Override
  public List<Problem> logdirProblems() {
    return loader.logdirProblems();
  }

  @Override
  public List<RunInfo> runs() {
    return committed.runs();
  }

  @Override
  public RunInfo run(String name) {
    return committed.run(name);
  }

  @Override
  public List<Problem> problems(String run) {
    return committed.problems(run);
  }

  /** {@inheritDoc} The run's embeddings follow its event files' tags, as tags of kind EMBEDDING. */
  @Override
  public List<TagInfo> tags(String run) {
    List<TagInfo> tags = committed.tags(run);
    List<EmbeddingInfo> found = embeddings.list(run, tags);
    if (found.isEmpty()) {
      return tags;
    }
    List<TagInfo> out = new ArrayList<>(tags);
    out.addAll(EmbeddingFiles.asTags(run, found));
    return out;
  }

  @Override
  public TagInfo tag(String run, String tag) {
    try {
      return committed.tag(run, tag);
    } catch (NoSuchTagException e) {
      for (TagInfo t : EmbeddingFiles.asTags(run, embeddings(run))) {
        if (t.tag().equals(tag)) {
          return t;
        }
      }
      throw e;
    }
  }

  /** {@inheritDoc} Read again from the run's folder when its config changed (looked at most once a second). */
  @Override
  public List<EmbeddingInfo> embeddings(String run) {
    return embeddings.list(run, committed.tags(run));
  }

  @Override
  public EmbeddingInfo embedding(String run, String tag, long step) {
    return embeddings.find(run, tag, step, committed.tags(run));
  }

  @Override
  public void embeddingRows(String run, String tag, long step, int from, int max, EmbeddingInfo.Rows sink)
      throws IOException {
    embeddings.rows(run, tag, step, from, max, committed.tags(run), sink);
  }

  /** {@inheritDoc} A file's size, identity and modification time; an event-file tensor's wall time and size. */
  @Override
  public String embeddingVersion(String run, String tag, long step) throws IOException {
    return embeddings.version(run, tag, step, committed.tags(run));
  }

  @Override
  public EmbeddingInfo.Metadata embeddingMetadata(String run, String tag, long step) throws IOException {
    return embeddings.metadata(run, tag, step, committed.tags(run));
  }

  @Override
  public byte[] embeddingSprite(String run, String tag, long step) throws IOException {
    return embeddings.sprite(run, tag, step, committed.tags(run));
  }

  @Override
  public ScalarPoints scalars(String run, String tag, long fromStep, long toStep, int limit) {
    return committed.scalars(run, tag, fromStep, toStep, limit);
  }

  @Override
  public ScalarBuckets scalarBuckets(String run, String tag, long fromStep, long toStep, int buckets) {
    return committed.scalarBuckets(run, tag, fromStep, toStep, buckets);
  }

  /** {@inheritDoc} Evicted histograms are read again from the files. */
  @Override
  public List<HistogramStep> histograms(String run, String tag, long fromStep, long toStep) {
    return committed.histograms(run, tag, fromStep, toStep);
  }

  @Override
  public List<MeshInfo> meshes(String run) {
    return committed.meshes(run);
  }

  @Override
  public List<BlobInfo> blobs(String run, String tag) {
    return committed.blobs(run, tag);
  }

  /** {@inheritDoc} Read from the event file, its checksums checked again. */
  @Override
  public byte[] blob(String run, String tag, long step, int index) throws IOException {
    return blobReads.blob(run, tag, step, index);
  }

  @Override
  public List<AudioClip> audio(String run, String tag, long step) throws IOException {
    return blobReads.audio(run, tag, step);
  }

  @Override
  public byte[] metaGraph(String run) throws IOException {
    return blobReads.metaGraph(run);
  }

  @Override
  public List<String> modelFiles(String run, String suffix) throws IOException {
    return blobReads.modelFiles(run, suffix);
  }

  @Override
  public byte[] modelFile(String run, String name, String suffix) throws IOException {
    return blobReads.modelFile(run, name, suffix);
  }

  @Override
  public List<TextStep> text(String run, String tag) {
    return committed.text(run, tag);
  }

  @Override
  public List<PrCurveStep> prCurves(String run, String tag) {
    return committed.prCurves(run, tag);
  }

  /**
   * {@inheritDoc} Several experiments may share a log directory (a Keras tuning run beside
   * tensorboardX trials and a Lightning version): each session belongs to the experiment logged in
   * its own run or the nearest folder above it (the only one, when there is one and none is above),
   * and holds that experiment's metrics; the table's columns are the union over the sessions'
   * experiments.
   */
  @Override
  public HParamsTable hparams() {
    return hparams.hparams();
  }
}
