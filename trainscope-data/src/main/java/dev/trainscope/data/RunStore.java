package dev.trainscope.data;

import dev.trainscope.events.CorruptRecordException;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.Problem;
import dev.trainscope.events.RecordReader;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

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
 * <p>Thread-safe. Queries never see a chunk half applied.
 */
public final class RunStore implements AutoCloseable {
  private static final int MAX_PROBLEMS_PER_RUN = 100;

  private final List<Source> sources;
  private final Duration reloadInterval;
  private final long chunkBytes;
  private final long memoryBudget;
  private final EventScanner scanner;
  private final ExecutorService loaders;
  /** Holds back loaders while the JIT compiler warms up (see WarmUpGate). */
  private final WarmUpGate gate;
  private final ScheduledExecutorService poller;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, Deque<Problem>> problems = new ConcurrentHashMap<>();
  /** What the last poll could not list: folders, or a whole log directory. */
  private volatile List<Problem> listingProblems = List.of();
  /** Direct buffers for {@link PrefetchChannel}, one per loader thread. */
  private final ArrayBlockingQueue<ByteBuffer> prefetchBuffers;
  private final int prefetchBytes;
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong chunks = new AtomicLong();
  private final LoadTotals totals = new LoadTotals();
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean firstPollDone;
  private volatile boolean closed;

  private RunStore(Builder b) {
    this.sources = List.copyOf(b.sources);
    this.reloadInterval = b.reloadInterval;
    this.chunkBytes = b.chunkBytes;
    this.memoryBudget = b.memoryBudget;
    this.scanner = EventScanner.create(RecordScanner.create(b.verifyChecksums, RecordScanner.DEFAULT_BUFFER_SIZE));
    // object storage: a loader spends much of its time waiting for a ranged GET, so more of them
    // keep the cores busy (and the gate, which leaves the JIT a core, counts loaders as a share of one)
    int perCore = 1;
    for (Source s : sources) {
      perCore = Math.max(perCore, s.storage().loadersPerCore());
    }
    int threads = b.threads * perCore;
    this.loaders = Executors.newFixedThreadPool(threads, daemon("trainscope-loader"));
    this.gate = WarmUpGate.forProcess(threads, perCore);
    this.poller = Executors.newSingleThreadScheduledExecutor(daemon("trainscope-poller"));
    this.prefetchBuffers = new ArrayBlockingQueue<>(threads);
    // a chunk, and the scanner's reading past its limit to the end of the record there
    this.prefetchBytes = (int) Math.min(chunkBytes + 2L * RecordScanner.DEFAULT_BUFFER_SIZE, MAX_PREFETCH_BYTES);
  }

  /** The most a loader holds in memory ahead of a scan. */
  private static final int MAX_PREFETCH_BYTES = 64 << 20;

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

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---- lifecycle ----

  /** Lists the log directories now and keeps polling them every reload interval; loads in the background. */
  public void start() {
    checkOpen();
    poller.execute(this::pollQuietly);
    if (!reloadInterval.isZero()) {
      long ms = Math.max(1, reloadInterval.toMillis());
      poller.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** Lists the log directories and waits until everything found has been read. */
  public void reload() throws InterruptedException {
    checkOpen();
    try {
      poller.submit(this::poll).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("listing the log directories failed", e.getCause());
    }
    awaitIdle();
  }

  /** Waits until no load is queued or running. */
  public void awaitIdle() throws InterruptedException {
    synchronized (idle) {
      while (active.get() > 0 && !closed) { // close() drops queued loads: they never finish
        idle.wait(100);
      }
    }
  }

  /** Stops polling and loading, and closes the storages (their connections and threads). */
  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
    loaders.shutdownNow();
    try {
      loaders.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Source s : sources) {
      try {
        s.storage().close();
      } catch (IOException | RuntimeException e) {
        // closing: nothing more to read through it either way
      }
    }
  }

  /** What reading the log directories has cost so far: requests and bytes of object storage. */
  public Storage.Traffic traffic() {
    Storage.Traffic t = Storage.Traffic.NONE;
    for (Source s : sources) {
      t = t.plus(s.storage().traffic());
    }
    return t;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }

  public void addListener(StoreListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  public void removeListener(StoreListener l) {
    listeners.remove(l);
  }

  private void tell(java.util.function.Consumer<StoreListener> event) {
    for (StoreListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        // a listener's failure is its own; loading goes on
      }
    }
  }

  // ---- discovery ----

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // keep polling; the next round may succeed
    }
  }

  private synchronized void poll() {
    if (closed) {
      return;
    }
    Map<String, List<Storage.FileStat>> found = new TreeMap<>();
    Map<String, Source> sourceOf = new HashMap<>();
    Set<String> unreachable = new LinkedHashSet<>();
    List<Problem> unlisted = new ArrayList<>();
    for (Source s : sources) {
      List<Storage.FileStat> files;
      try {
        Storage.Listing listing = s.storage().listEventFiles();
        files = listing.files();
        for (Storage.Unlisted u : listing.unlisted()) {
          unlisted.add(new Problem(Problem.Kind.IO_ERROR, s.storage().location() + "/" + u.path(), 0,
              "cannot list this folder (" + u.reason() + "); it is left out, the rest of the log directory is read"));
        }
      } catch (NoSuchFileException e) {
        files = List.of(); // the log directory is gone: so are its runs
      } catch (IOException e) {
        unreachable.add(s.name()); // keep what we have; try again next time
        unlisted.add(new Problem(Problem.Kind.IO_ERROR, s.storage().location(), 0, "cannot list the log directory ("
            + e + "); its runs stay as they were, and the next poll tries again"));
        continue;
      }
      for (Storage.FileStat f : files) {
        int slash = f.path().lastIndexOf('/');
        String run = s.runName(slash < 0 ? "" : f.path().substring(0, slash));
        found.computeIfAbsent(run, k -> new ArrayList<>()).add(f);
        sourceOf.put(run, s);
      }
    }
    for (Run run : runs.values()) {
      if (!found.containsKey(run.name) && !unreachable.contains(run.source.name())) {
        runs.remove(run.name);
        problems.remove(run.name);
        run.removed = true;
        totals.account(run);
        tell(l -> l.runRemoved(run.name));
      }
    }
    for (Map.Entry<String, List<Storage.FileStat>> e : found.entrySet()) {
      String name = e.getKey();
      Run run = runs.get(name);
      boolean added = false;
      if (run == null) {
        run = new Run(name, sourceOf.get(name));
        runs.put(name, run);
        added = true;
      }
      update(run, e.getValue());
      if (added) {
        tell(l -> l.runAdded(name));
      }
      if (run.hasPending() || run.resetRequested) {
        schedule(run);
      }
    }
    listingProblems = List.copyOf(unlisted); // what no longer holds is gone
    firstPollDone = true;
    LoadProgress p = progress();
    tell(l -> l.progress(p));
  }

  /** Brings a run's file list up to date with a listing. */
  private void update(Run run, List<Storage.FileStat> listed) {
    listed.sort(Comparator.comparing(f -> f.path().substring(f.path().lastIndexOf('/') + 1)));
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      Map<String, Run.RunFile> known = new HashMap<>();
      for (Run.RunFile f : run.files) {
        known.put(f.path, f);
      }
      List<Run.RunFile> next = new ArrayList<>(listed.size());
      boolean insertedBeforeRead = false;
      for (Storage.FileStat s : listed) {
        Run.RunFile f = known.remove(s.path());
        if (f == null) {
          f = new Run.RunFile(s.path(), s.identity(), s.size(), s.changeTag());
          for (Run.RunFile k : run.files) {
            if (k.name.compareTo(f.name) > 0 && k.position.offset() > 0) {
              insertedBeforeRead = true; // a new file sorts before one already read: read the run again in order
            }
          }
        } else {
          if (f.identity.equals(s.identity()) && s.size() < f.position.offset()) {
            // The listing was taken before the loader read on past it, or the file shrank: only a
            // look at the file now, while the loader cannot move, tells which.
            s = statNow(run, s);
          }
          if (f.identity.equals(s.identity()) && s.size() == f.listedSize && !s.changeTag().equals(f.changeTag)) {
            // Changed without growing: rewritten in place, unless a write was caught between
            // changing the file's time and its size, which a look now tells.
            s = statNow(run, s);
          }
          if (!f.identity.equals(s.identity()) || s.size() < f.position.offset()
              || (s.size() == f.listedSize && !s.changeTag().equals(f.changeTag) && f.position.offset() > 0)) {
            run.resetRequested = true; // replaced, shrunk, or rewritten in place
            f.identity = s.identity();
            f.knownSize = s.size();
          } else {
            f.knownSize = Math.max(f.knownSize, s.size());
          }
          f.listedSize = s.size();
          f.changeTag = s.changeTag();
          if (f.failed) {
            f.failed = false; // read failed last time: try again now
            f.seenSize = f.position.offset();
          }
        }
        next.add(f);
      }
      for (Run.RunFile gone : known.values()) {
        forget(run.name, gone.path, p -> true);
      }
      if (!known.isEmpty() && run.files.stream().anyMatch(f -> f.position.offset() > 0)) {
        // A file is gone: its values with it, and the files after it move down in the read order,
        // which the references to blobs and histograms count on. Read the run again.
        run.resetRequested = true;
      }
      if (insertedBeforeRead) {
        run.resetRequested = true;
      }
      if (!next.equals(run.files)) {
        run.files = List.copyOf(next);
      }
      publish(run);
    } finally {
      w.unlock();
    }
  }

  /** The file as it is now; the listed stat when it cannot be looked at (the next poll decides). */
  private static Storage.FileStat statNow(Run run, Storage.FileStat listed) {
    try {
      Storage.FileStat now = run.source.storage().stat(listed.path());
      return now != null ? now : listed;
    } catch (IOException e) {
      return listed;
    }
  }

  // ---- loading ----

  private void schedule(Run run) {
    if (run.queued.compareAndSet(false, true)) {
      active.incrementAndGet();
      try {
        loaders.execute(() -> load(run));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        run.queued.set(false);
        done();
      }
    }
  }

  private void done() {
    if (active.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  private void load(Run run) {
    boolean counted = gate.enter();
    try {
      loadNow(run);
    } finally {
      if (counted) {
        gate.exit();
      }
    }
  }

  private void loadNow(Run run) {
    try {
      boolean again = true;
      while (again && !run.removed && !closed) {
        if (run.resetRequested) {
          reset(run);
        }
        List<Run.RunFile> files = run.files;
        for (int i = 0; i < files.size() && !run.resetRequested && !run.removed && !closed; i++) {
          Run.RunFile f = files.get(i);
          if (f.pending() && !loadFile(run, i, f)) {
            break; // the file list changed under us: start over with the new one
          }
        }
        again = run.resetRequested || run.hasPending();
        if (!again) {
          compact(run);
        }
        run.memoryBytes = memoryOf(run);
        totals.account(run);
      }
      enforceBudget();
    } catch (RuntimeException e) {
      record(run.name, new Problem(Problem.Kind.IO_ERROR, run.name, 0, "loading failed: " + e));
    } finally {
      run.queued.set(false);
      totals.account(run); // what a failed or vanished file changed
      if (!closed && !run.removed && (run.resetRequested || run.hasPending())) {
        schedule(run);
      }
      try {
        LoadProgress p = progress();
        tell(l -> l.progress(p));
      } finally {
        done(); // after the listeners, so that reload() returns once they have heard of this load
      }
    }
  }

  private void reset(Run run) {
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      run.resetRequested = false;
      problems.remove(run.name); // found again, or gone with the old content
      run.data = new RunData();
      run.ingest = null;
      run.restarts++;
      for (Run.RunFile f : run.files) {
        f.position = ScanPosition.START;
        f.seenSize = 0;
        f.printAt = 0;
      }
      publish(run);
    } finally {
      w.unlock();
    }
    tell(l -> l.runReset(run.name));
  }

  /**
   * Reads a file on from where its last scan stopped; false when it is no longer file {@code
   * index} of the run. Each chunk is read into memory before the run's lock is taken, so that
   * queries wait for the decoding of a chunk at most, never for storage.
   */
  private boolean loadFile(Run run, int index, Run.RunFile f) {
    ByteBuffer buffer = prefetchBuffers.poll();
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(prefetchBytes);
    }
    try (PrefetchChannel ch = new PrefetchChannel(run.source.storage().open(f.path), buffer)) {
      if (f.printAt > 0 && !f.sameBytes(print(ch, f.printAt))) {
        run.resetRequested = true; // rewritten in place: what was read is no longer in the file
        return true;
      }
      while (!run.resetRequested && !run.removed && !closed) {
        long chunk = chunks.incrementAndGet();
        List<TagInfo> added = new ArrayList<>();
        List<long[]> touched = new ArrayList<>();
        List<String> touchedNames = new ArrayList<>();
        ch.prefetch(f.position.offset(), prefetchBytes);
        ScanResult r;
        Lock w = run.lock.writeLock();
        w.lock();
        try {
          List<Run.RunFile> files = run.files;
          if (index >= files.size() || files.get(index) != f) {
            return false; // value references carry the file's index: it must be the listed one
          }
          // The size before the scan: bytes that arrive after the scan met the end are not looked
          // at, so they must not count as seen.
          long size = ch.size();
          if (size < f.position.offset()) {
            run.resetRequested = true; // shrank since it was listed
            return true;
          }
          if (size < f.knownSize) {
            f.knownSize = size; // shrank since it was listed, but not below what was read
          }
          if (run.ingest == null) {
            run.ingest = new Ingest(run.data, run.name, p -> {
              if (p.kind() == Problem.Kind.IO_ERROR) {
                run.readFailed = true;
              }
              record(run.name, p);
            });
          }
          run.readFailed = false;
          run.ingest.beginChunk(index, chunk);
          r = scanner.scan(ch, f.path, f.position, chunkBytes, run.ingest, run.ingest.tagStrings);
          f.position = r.next();
          f.seenSize = r.reachedLimit() || run.readFailed ? 0 : Math.max(r.next().offset(), size);
          f.failed = run.readFailed;
          f.knownSize = Math.max(f.knownSize, f.position.offset());
          publish(run);
          if (!listeners.isEmpty()) {
            for (TagData t : run.ingest.added) {
              added.add(t.info(run.name));
            }
            for (TagData t : run.ingest.touched()) {
              touchedNames.add(t.name);
              touched.add(new long[] {t.lastStep()});
            }
          }
        } finally {
          w.unlock();
        }
        if (!f.failed) {
          forgetResolved(run.name, f.path, r.next());
        }
        for (TagInfo t : added) {
          tell(l -> l.tagAdded(run.name, t));
        }
        for (int i = 0; i < touchedNames.size(); i++) {
          String tag = touchedNames.get(i);
          long last = touched.get(i)[0];
          tell(l -> l.stepsAdded(run.name, tag, last));
        }
        if (f.failed) {
          return true; // tried again at the next poll
        }
        if (!r.reachedLimit()) {
          long at = f.position.offset();
          f.print(at, print(ch, at));
          return true;
        }
      }
    } catch (NoSuchFileException e) {
      f.seenSize = f.knownSize; // vanished since the listing; the next poll sorts it out
    } catch (IOException e) {
      f.failed = true;
      record(run.name, new Problem(Problem.Kind.IO_ERROR, f.path, f.position.offset(), "cannot read ("
          + e + "); read " + f.position.offset() + " of " + f.knownSize + " bytes, the next poll tries again"));
    } finally {
      prefetchBuffers.offer(buffer);
    }
    return true;
  }

  /**
   * The checksums of the first and the last {@link Run#PRINT_BYTES} (or fewer) bytes before {@code
   * at}, or null when the file no longer holds {@code at} bytes.
   */
  private static int[] print(SeekableByteChannel ch, long at) throws IOException {
    int head = (int) Math.min(at, Run.PRINT_BYTES);
    ByteBuffer b = ByteBuffer.allocate(2 * head);
    ch.position(0);
    while (b.position() < head) {
      if (ch.read(b.limit(head)) < 0) {
        return null;
      }
    }
    ch.position(at - head);
    while (b.hasRemaining()) {
      if (ch.read(b.limit(2 * head)) < 0) {
        return null;
      }
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, head);
    int first = (int) crc.getValue();
    crc.reset();
    crc.update(b.array(), head, head);
    return new int[] {first, (int) crc.getValue()};
  }

  /**
   * Clears the problems of a file that a scan that read on without failing shows no longer hold:
   * a failed read, a record the file ended in (now complete), a search for a valid record that had
   * met the end (now found).
   */
  private void forgetResolved(String run, String file, ScanPosition next) {
    forget(run, file, p -> p.kind() == Problem.Kind.IO_ERROR
        || (p.kind() == Problem.Kind.TRUNCATED_RECORD && p.offset() < next.offset())
        || (p.kind() == Problem.Kind.CORRUPT_TAIL && !next.resynchronizing()));
  }

  /** Removes the run's problems of {@code file} that match. */
  private void forget(String run, String file, java.util.function.Predicate<Problem> which) {
    Deque<Problem> q = problems.get(run);
    if (q != null) {
      synchronized (q) {
        q.removeIf(p -> p.file().equals(file) && which.test(p));
      }
    }
  }

  private void record(String run, Problem p) {
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

  // ---- memory ----

  /** The run's files are read to their end: the scalar tails are compressed (ScalarSeries.compact). */
  private static void compact(Run run) {
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      for (TagData t : run.data.tags.values()) {
        if (t.scalars != null) {
          t.scalars.compact();
        }
      }
      run.data.clock.compact();
    } finally {
      w.unlock();
    }
  }

  private static long memoryOf(Run run) {
    Lock r = run.lock.readLock();
    r.lock();
    try {
      return run.data.memoryBytes();
    } finally {
      r.unlock();
    }
  }

  /** Bytes the store holds, as of the last load of each run. */
  public long memoryBytes() {
    return totals.memoryBytes();
  }

  /** Evicts the oldest histogram steps of the least recently queried runs until under budget. */
  private synchronized void enforceBudget() {
    long total = memoryBytes();
    if (total <= memoryBudget) {
      return;
    }
    List<Run> byAge = new ArrayList<>(runs.values());
    byAge.sort(Comparator.comparingLong(r -> r.lastQueried));
    for (Run run : byAge) {
      if (total <= memoryBudget) {
        return;
      }
      Lock w = run.lock.writeLock();
      w.lock();
      try {
        long before = run.data.memoryBytes();
        evictOldestHistograms(run.data, total - memoryBudget);
        long after = run.data.memoryBytes();
        run.memoryBytes = after;
        totals.account(run);
        total -= before - after;
      } finally {
        w.unlock();
      }
    }
  }

  private static void evictOldestHistograms(RunData d, long needed) {
    List<TagData> hist = new ArrayList<>();
    int longest = 0;
    for (TagData t : d.tags.values()) {
      if (t.kind == TagKind.HISTOGRAM) {
        hist.add(t);
        longest = Math.max(longest, t.entries.size());
      }
    }
    long freed = 0;
    for (int i = 0; i < longest && freed < needed; i++) {
      for (TagData t : hist) {
        if (i < t.entries.size()) {
          TagData.HistEntry h = (TagData.HistEntry) t.entries.get(i);
          if (h.data != null) {
            freed += h.data.memoryBytes();
            h.data = null;
          }
        }
      }
    }
  }

  // ---- queries ----

  public LoadProgress progress() {
    return totals.progress(runs.size(), firstPollDone);
  }

  /** The runs, sorted by name. */
  public List<RunInfo> runs() {
    List<RunInfo> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(runs.keySet())) {
      Run run = runs.get(name);
      if (run != null) {
        out.add(info(run));
      }
    }
    return out;
  }

  public RunInfo run(String name) {
    return info(find(name));
  }

  /**
   * The run as it is now or, while a loader or the poller changes it, as it was when last published
   * (at the end of the latest chunk): the run list never waits for a load.
   */
  private RunInfo info(Run run) {
    Lock r = run.lock.readLock();
    if (!r.tryLock()) {
      RunInfo last = run.published;
      if (last != null) {
        return last;
      }
      r.lock();
    }
    try {
      return snapshot(run);
    } finally {
      r.unlock();
    }
  }

  /** The run's info; under one of its locks. */
  private static RunInfo snapshot(Run run) {
    RunData d = run.data;
    List<String> files = new ArrayList<>();
    for (Run.RunFile f : run.files) {
      files.add(f.name);
    }
    return new RunInfo(run.name, files, run.bytesRead(), run.bytesKnown(), d.events, d.tags.size(),
        d.firstWall, d.lastWall, d.problems + run.failedFiles(), d.hasGraph, d.hasMetaGraph, d.droppedRestart(),
        d.droppedSession(), run.restarts);
  }

  /**
   * Publishes the run's info for the run list to answer with while the run is being changed, and
   * its share of the totals; under its write lock.
   */
  private void publish(Run run) {
    run.published = snapshot(run);
    totals.account(run);
  }

  /** The serialized MetaGraphDef the run logged last, or null when it logged none. */
  public byte[] metaGraph(String run) throws IOException {
    Run r = find(run);
    ValueRef ref;
    Lock l = r.lock.readLock();
    l.lock();
    try {
      ref = r.data.metaGraph;
    } finally {
      l.unlock();
    }
    return ref == null ? null : extract(readEvent(r, ref), ref, TagKind.GRAPH, "", 0, r.name);
  }

  /** Model files larger than this are refused rather than read into memory. */
  public static final long MAX_MODEL_FILE_BYTES = 1L << 30;

  /**
   * The names of the model files saved beside a run's event files whose names end with {@code
   * suffix} ({@code ".onnx"}), sorted.
   */
  public List<String> modelFiles(String run, String suffix) throws IOException {
    Run r = find(run);
    List<Run.RunFile> files = r.files;
    if (files.isEmpty()) {
      return List.of();
    }
    String path = files.get(0).path;
    String dir = path.lastIndexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'));
    List<String> out = new ArrayList<>();
    for (Storage.FileStat f : r.source.storage().listFiles(dir, suffix)) {
      out.add(f.path().substring(f.path().lastIndexOf('/') + 1));
    }
    return out;
  }

  /** The bytes of a model file listed by {@link #modelFiles}; only such names are accepted. */
  public byte[] modelFile(String run, String name, String suffix) throws IOException {
    if (!modelFiles(run, suffix).contains(name)) {
      throw new java.nio.file.NoSuchFileException(name, null, "no model file of run " + run + " has that name");
    }
    String path = find(run).files.get(0).path;
    String full = path.lastIndexOf('/') < 0 ? name : path.substring(0, path.lastIndexOf('/') + 1) + name;
    try (SeekableByteChannel ch = find(run).source.storage().open(full)) {
      long size = ch.size();
      if (size > MAX_MODEL_FILE_BYTES) {
        throw new IOException(name + " is " + size + " bytes; model files over " + MAX_MODEL_FILE_BYTES + " are not read");
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read to the end
      }
      if (buf.hasRemaining()) {
        throw new java.io.EOFException(name + " shrank while being read");
      }
      return buf.array();
    }
  }

  /**
   * What the last look at the log directories could not list: a folder left out (a symbolic link
   * to a place that cannot be read, a folder without permission), or a whole log directory, each
   * with the path and the reason. Empty once the listing works again.
   */
  public List<Problem> logdirProblems() {
    return listingProblems;
  }

  /** The most recent problems met while reading a run (at most 100). */
  public List<Problem> problems(String run) {
    find(run);
    Deque<Problem> q = problems.get(run);
    if (q == null) {
      return List.of();
    }
    synchronized (q) {
      return List.copyOf(q);
    }
  }

  /** The tags of a run, in the order they first appeared. */
  public List<TagInfo> tags(String run) {
    Run r = find(run);
    Lock l = r.lock.readLock();
    l.lock();
    try {
      List<TagInfo> out = new ArrayList<>(r.data.tags.size());
      for (TagData t : r.data.tags.values()) {
        out.add(t.info(run));
      }
      return out;
    } finally {
      l.unlock();
    }
  }

  public TagInfo tag(String run, String tag) {
    return read(run, tag, null, (r, t) -> t.info(run));
  }

  /**
   * Up to {@code limit} exact points of a scalar tag with {@code fromStep <= step <= toStep}; when
   * more remain, {@link ScalarPoints#more()} is set and the next page starts at {@link
   * ScalarPoints#nextStep()}.
   */
  public ScalarPoints scalars(String run, String tag, long fromStep, long toStep, int limit) {
    requireRange(fromStep, toStep);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return read(run, tag, TagKind.SCALAR, (r, t) -> {
      ScalarSeries.Points p = t.scalars.points(fromStep, toStep, limit);
      boolean more = p.nextStep != Long.MIN_VALUE;
      return new ScalarPoints(run, tag, java.util.Arrays.copyOf(p.steps, p.size),
          java.util.Arrays.copyOf(p.walls, p.size), java.util.Arrays.copyOf(p.values, p.size), more,
          more ? p.nextStep : 0);
    });
  }

  /** A scalar tag's points in a step range, downsampled to at most {@code buckets} buckets. */
  public ScalarBuckets scalarBuckets(String run, String tag, long fromStep, long toStep, int buckets) {
    requireRange(fromStep, toStep);
    if (buckets < 1 || buckets > 1_000_000) {
      throw new IllegalArgumentException("buckets must be in 1..1000000, was " + buckets);
    }
    return read(run, tag, TagKind.SCALAR, (r, t) -> {
      ScalarSeries.Buckets b = t.scalars.downsample(fromStep, toStep, buckets);
      int n = b.size;
      double[] mean = new double[n];
      long[] count = new long[n];
      for (int i = 0; i < n; i++) {
        mean[i] = b.finite[i] == 0 ? Double.NaN : b.sum[i] / b.finite[i];
        count[i] = b.count(i);
      }
      return new ScalarBuckets(run, tag, java.util.Arrays.copyOf(b.firstStep, n), java.util.Arrays.copyOf(b.lastStep, n),
          java.util.Arrays.copyOf(b.firstWall, n), java.util.Arrays.copyOf(b.lastWall, n),
          finiteOrNaN(b.min, b.finite, n), finiteOrNaN(b.max, b.finite, n), java.util.Arrays.copyOf(b.first, n),
          java.util.Arrays.copyOf(b.last, n), mean, count, java.util.Arrays.copyOf(b.nan, n),
          java.util.Arrays.copyOf(b.posInf, n), java.util.Arrays.copyOf(b.negInf, n));
    });
  }

  private static double[] finiteOrNaN(double[] v, long[] finite, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = finite[i] == 0 ? Double.NaN : v[i];
    }
    return out;
  }

  /** The histograms of a tag with {@code fromStep <= step <= toStep}, in step order. */
  public List<HistogramStep> histograms(String run, String tag, long fromStep, long toStep) {
    requireRange(fromStep, toStep);
    return read(run, tag, TagKind.HISTOGRAM, (r, t) -> {
      List<HistogramStep> out = new ArrayList<>();
      for (int i = t.entries.lowerBound(fromStep); i < t.entries.size() && t.entries.step(i) <= toStep; i++) {
        TagData.HistEntry h = (TagData.HistEntry) t.entries.get(i);
        HistogramData data = h.data;
        boolean reread = false;
        if (data == null) {
          data = reread(r, h.ref, tag);
          reread = true;
        }
        out.add(new HistogramStep(t.entries.step(i), t.entries.wall(i), data.left(), data.right(), data.counts(), reread));
      }
      return out;
    });
  }

  public List<HistogramStep> histograms(String run, String tag) {
    return histograms(run, tag, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** The histograms of a tag compressed to TensorBoard's nine basis points, in step order. */
  public List<DistributionStep> distributions(String run, String tag) {
    List<DistributionStep> out = new ArrayList<>();
    for (HistogramStep h : histograms(run, tag)) {
      out.add(new DistributionStep(h.step(), h.wallTime(), Distributions.compress(h.left(), h.right(), h.count())));
    }
    return out;
  }

  /** What each step of an image, audio, graph, run metadata or tensor tag holds. */
  public List<BlobInfo> blobs(String run, String tag) {
    return read(run, tag, null, (r, t) -> {
      if (t.kind == TagKind.SCALAR || t.kind == TagKind.HISTOGRAM || t.kind == TagKind.TEXT
          || t.kind == TagKind.PR_CURVE) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' holds " + t.kind
            + " values, not blobs");
      }
      List<BlobInfo> out = new ArrayList<>(t.entries.size());
      for (int i = 0; i < t.entries.size(); i++) {
        TagData.BlobEntry b = (TagData.BlobEntry) t.entries.get(i);
        out.add(new BlobInfo(t.entries.step(i), t.entries.wall(i), b.count(), b.width(), b.height(), b.contentType(),
            b.ref().payloadLength()));
      }
      return out;
    });
  }

  /**
   * The bytes of item {@code index} of a step of an image, audio, graph, run-metadata or tensor tag:
   * an encoded image or clip, a serialized GraphDef, RunMetadata or TensorProto, a Keras model's JSON.
   * Read from the event file, its checksums checked again.
   */
  public byte[] blob(String run, String tag, long step, int index) throws IOException {
    Run r = find(run);
    TagData.BlobEntry entry;
    TagKind kind;
    Lock l = r.lock.readLock();
    l.lock();
    try {
      r.lastQueried = System.nanoTime();
      TagData t = r.data.tags.get(tag);
      if (t == null) {
        throw new NoSuchTagException(run, tag);
      }
      kind = t.kind;
      int i = t.entries == null ? -1 : t.entries.indexOf(step);
      if (i < 0 || !(t.entries.get(i) instanceof TagData.BlobEntry)) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' has no blob at step " + step);
      }
      entry = (TagData.BlobEntry) t.entries.get(i);
      if (index < 0 || index >= Math.max(1, entry.count())) {
        throw new NoSuchTagException(run, tag, "step " + step + " of tag '" + tag + "' holds " + entry.count()
            + " items; there is no item " + index);
      }
    } finally {
      l.unlock();
    }
    Event e = readEvent(r, entry.ref());
    return extract(e, entry.ref(), kind, tag, index, r.name);
  }

  private static byte[] extract(Event e, ValueRef ref, TagKind kind, String tag, int index, String run)
      throws CorruptRecordException {
    if (ref.valueIndex() < 0) {
      if (e.what() instanceof Event.GraphDef g) {
        return g.bytes();
      }
      if (e.what() instanceof TaggedRunMetadata t) {
        return t.runMetadata();
      }
      if (e.what() instanceof Event.MetaGraphDef g) {
        return g.bytes();
      }
      throw changed(run, ref, "the event no longer holds a graph or run metadata");
    }
    SummaryValue v = value(e, ref, tag, run);
    try {
      if (v.value() instanceof ImageProto img) {
        return img.encodedImage();
      }
      if (v.value() instanceof AudioProto a) {
        return a.encodedAudio();
      }
      if (v.value() instanceof TensorProto t) {
        switch (kind) {
          case IMAGE:
            return PluginTensors.images(t).encoded().get(index);
          case AUDIO:
            return t.strings().get(2 * index);
          case GRAPH:
            return t.strings().get(0);
          default:
            return dev.trainscope.events.proto.ProtoWriter.encode(t);
        }
      }
    } catch (MalformedProtoException | IndexOutOfBoundsException ex) {
      throw changed(run, ref, "the value cannot be read as " + kind + ": " + ex.getMessage());
    }
    throw changed(run, ref, "the value holds no " + kind + " payload");
  }

  private static SummaryValue value(Event e, ValueRef ref, String tag, String run) throws CorruptRecordException {
    Summary s = e.summary();
    if (s == null || ref.valueIndex() >= s.values().size() || !s.values().get(ref.valueIndex()).effectiveTag().equals(tag)) {
      throw changed(run, ref, "the record no longer holds tag '" + tag + "' at value " + ref.valueIndex());
    }
    return s.values().get(ref.valueIndex());
  }

  private static CorruptRecordException changed(String run, ValueRef ref, String what) {
    return new CorruptRecordException("run " + run + ", file " + ref.file(), ref.recordOffset(),
        "the file changed since it was read: " + what);
  }

  private Event readEvent(Run r, ValueRef ref) throws IOException {
    Run.RunFile f;
    try {
      f = r.files.get(ref.file());
    } catch (IndexOutOfBoundsException e) {
      throw new NoSuchFileException("file " + ref.file() + " of run " + r.name + " is no longer listed");
    }
    byte[] data;
    // the record's header, the event up to the end of the payload, a little for what may follow it
    // (the value's metadata), and the footer: object storage fetches it in one ranged GET
    long expected = dev.trainscope.events.TfRecordFormat.OVERHEAD + ref.payloadOffset() + (long) ref.payloadLength() + 1024;
    try (SeekableByteChannel ch = r.source.storage().open(f.path, ref.recordOffset(),
        (int) Math.min(expected, Integer.MAX_VALUE))) {
      data = RecordReader.readAt(ch, f.path, ref.recordOffset());
    }
    try {
      return Event.parse(data);
    } catch (MalformedProtoException e) {
      throw new CorruptRecordException(f.path, ref.recordOffset(), "the record is not an event: " + e.getMessage());
    }
  }

  private HistogramData reread(Run r, ValueRef ref, String tag) {
    try {
      SummaryValue v = value(readEvent(r, ref), ref, tag, r.name);
      PluginTensors.Buckets b;
      if (v.value() instanceof HistogramProto h) {
        b = PluginTensors.histogram(h);
      } else if (v.value() instanceof TensorProto t) {
        b = PluginTensors.histogram(t);
      } else {
        throw changed(r.name, ref, "the value is not a histogram");
      }
      return HistogramData.of(b.left(), b.right(), b.count());
    } catch (IOException e) {
      throw new UncheckedIOException("reading an evicted histogram of " + tag + " again failed", e);
    }
  }

  /** The text of each step of a text tag. */
  public List<TextStep> text(String run, String tag) {
    return read(run, tag, TagKind.TEXT, (r, t) -> {
      List<TextStep> out = new ArrayList<>(t.entries.size());
      for (int i = 0; i < t.entries.size(); i++) {
        out.add(new TextStep(t.entries.step(i), t.entries.wall(i), List.of((String[]) t.entries.get(i))));
      }
      return out;
    });
  }

  /** The PR curve of each step of a pr_curves tag. */
  public List<PrCurveStep> prCurves(String run, String tag) {
    return read(run, tag, TagKind.PR_CURVE, (r, t) -> {
      List<PrCurveStep> out = new ArrayList<>(t.entries.size());
      for (int i = 0; i < t.entries.size(); i++) {
        float[] rows = (float[]) t.entries.get(i);
        int n = rows.length / 6;
        double[][] v = new double[6][n];
        for (int row = 0; row < 6; row++) {
          for (int j = 0; j < n; j++) {
            v[row][j] = rows[row * n + j];
          }
        }
        out.add(new PrCurveStep(t.entries.step(i), t.entries.wall(i), v[0], v[1], v[2], v[3], v[4], v[5]));
      }
      return out;
    });
  }

  /**
   * The hyperparameter table: one row per run that logged a session start. Several experiments may
   * share a log directory (a Keras tuning run beside tensorboardX trials and a Lightning version):
   * each session belongs to the experiment logged in its own run or the nearest folder above it
   * (the only one, when there is one and none is above), and holds that experiment's metrics; the
   * table's columns are the union over the sessions' experiments.
   */
  public HParamsTable hparams() {
    Map<String, HParamsPluginData.Experiment> experiments = new HashMap<>();
    Map<String, HParamsPluginData.SessionStartInfo> starts = new TreeMap<>();
    Map<String, HParamsPluginData.SessionEndInfo> ends = new HashMap<>();
    for (Run run : runs.values()) {
      Lock l = run.lock.readLock();
      l.lock();
      try {
        RunData d = run.data;
        if (d.experiment != null) {
          experiments.put(run.name, d.experiment);
        }
        if (d.sessionStart != null) {
          starts.put(run.name, d.sessionStart);
          if (d.sessionEnd != null) {
            ends.put(run.name, d.sessionEnd);
          }
        }
      } finally {
        l.unlock();
      }
    }
    Set<String> hparamNames = new LinkedHashSet<>();
    Set<String> metricLabels = new LinkedHashSet<>();
    List<HParamsTable.Row> rows = new ArrayList<>();
    for (Map.Entry<String, HParamsPluginData.SessionStartInfo> e : starts.entrySet()) {
      String name = e.getKey();
      HParamsPluginData.SessionStartInfo s = e.getValue();
      HParamsPluginData.Experiment experiment = experimentOf(name, experiments);
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (experiment != null) {
        experiment.hparamInfos().forEach(h -> hparamNames.add(h.name()));
        for (HParamsPluginData.MetricInfo m : experiment.metricInfos()) {
          if (m.name() == null) {
            continue;
          }
          String group = m.name().group();
          String tag = m.name().tag();
          String runName = group.isEmpty() ? name : (name.equals(".") ? group : name + "/" + group);
          String label = group.isEmpty() ? tag : group + "/" + tag;
          metricLabels.add(label);
          metrics.put(label, lastScalar(runName, tag));
        }
      }
      hparamNames.addAll(s.hparams().keySet());
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, ProtoValue> v : s.hparams().entrySet()) {
        values.put(v.getKey(), v.getValue().toJava());
      }
      HParamsPluginData.SessionEndInfo end = ends.get(name);
      rows.add(new HParamsTable.Row(name, values, metrics, end == null ? "" : end.statusName(), s.startTimeSecs(),
          end == null ? Double.NaN : end.endTimeSecs()));
    }
    return new HParamsTable(new ArrayList<>(hparamNames), new ArrayList<>(metricLabels), rows);
  }

  /**
   * The experiment a session's run belongs to: one logged in the run itself or in the nearest
   * folder above it; else the only experiment of the log directory; else none.
   */
  static HParamsPluginData.Experiment experimentOf(String run,
      Map<String, HParamsPluginData.Experiment> experiments) {
    for (String r = run; ; r = r.contains("/") ? r.substring(0, r.lastIndexOf('/')) : ".") {
      HParamsPluginData.Experiment found = experiments.get(r);
      if (found != null) {
        return found;
      }
      if (r.equals(".")) {
        break;
      }
    }
    return experiments.size() == 1 ? experiments.values().iterator().next() : null;
  }

  private double lastScalar(String run, String tag) {
    Run r = runs.get(run);
    if (r == null) {
      return Double.NaN;
    }
    Lock l = r.lock.readLock();
    l.lock();
    try {
      TagData t = r.data.tags.get(tag);
      return t == null || t.kind != TagKind.SCALAR || t.scalars.isEmpty() ? Double.NaN : t.scalars.lastValue();
    } finally {
      l.unlock();
    }
  }

  // ---- helpers ----

  private Run find(String name) {
    Objects.requireNonNull(name, "run");
    Run r = runs.get(name);
    if (r == null) {
      throw new NoSuchRunException(name);
    }
    return r;
  }

  /** A read of one tag under the run's read lock. */
  @FunctionalInterface
  private interface TagRead<T> {
    T apply(Run run, TagData tag);
  }

  private <T> T read(String run, String tag, TagKind kind, TagRead<T> f) {
    Objects.requireNonNull(tag, "tag");
    Run r = find(run);
    Lock l = r.lock.readLock();
    l.lock();
    try {
      r.lastQueried = System.nanoTime();
      TagData t = r.data.tags.get(tag);
      if (t == null) {
        throw new NoSuchTagException(run, tag);
      }
      if (kind != null && t.kind != kind) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' holds " + t.kind
            + " values, not " + kind);
      }
      return f.apply(r, t);
    } finally {
      l.unlock();
    }
  }

  private static void requireRange(long from, long to) {
    if (from > to) {
      throw new IllegalArgumentException("fromStep " + from + " is after toStep " + to);
    }
  }
}
