package dev.trainscope.data;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.TagStrings;
import dev.trainscope.events.ValueKind;
import dev.trainscope.events.ValueView;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.SummaryMetadata;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every scalar point of a log directory, read straight from its event files and written as it is
 * read ({@code trainscope export}): a run at a time, never the log directory in memory. The points
 * are the store's (the same runs, tag kinds, skipped values and restart rules as {@link Ingest}),
 * in this order: runs by name, within a run tags by name, within a tag by step.
 *
 * <p>A run's files are read in name order, once to learn its tags, their point counts and where
 * steps went back, then once per batch of tags:
 *
 * <ul>
 *   <li>TensorBoard's restart rules (a value at step s replaces its tag's values at steps >= s, a
 *       SessionLog START at step s drops the run's values at steps >= s) mean that a point read at
 *       position p survives when no later value of its tag, and no later START, has a step at or
 *       below its own. The first read keeps, per tag and for the STARTs, the "cuts" (a step that
 *       does not go forward) on a stack whose steps rise with their positions (a cut makes every
 *       earlier cut at or above its step redundant), so the smallest later cut is the first one
 *       past p. In a log without restarts the stacks stay empty; in one that rewrites a step again
 *       and again, they hold one entry.
 *   <li>The survivors of a tag then come in step order, as read. The first read also keeps the
 *       points while they fit in the memory budget, the restart rules applied as they come; a run
 *       that fits is written from there. Otherwise its tags are grouped into batches that fit,
 *       read again once per batch, and a batch of one tag is written as it is read, whatever its
 *       size. Memory is bounded by the budget and the cuts, whatever the size of the log
 *       directory, its runs or its tags.
 * </ul>
 *
 * A file is read up to where the first read ended, so a file that grows meanwhile (a training
 * still running) gives the same points to every read. Damage is reported to the caller's warnings,
 * once, and the readable points are exported (as the store keeps them).
 */
public final class ScalarExport {
  /** Bytes a buffered point takes: step, wall time and value. */
  static final int BYTES_PER_POINT = 24;

  private final EventScanner scanner = EventScanner.create();
  /** The points each run may hold: the budget shared by the runs read at once. */
  private final long budgetPoints;
  private final int threads;
  private final Consumer<String> warnings;

  /**
   * What an export wrote: runs and series with points, points, and the files or places in them
   * that were damaged or could not be read (a truncated last record, which a training still
   * writing leaves, is warned of but not counted).
   */
  public record Summary(int runs, int series, long points, int damaged) {}

  /**
   * @param budgetBytes the most the points held for one run may take; a run beyond it is read
   *     again per batch of tags
   * @param warnings told of damage met (a line each)
   */
  public ScalarExport(long budgetBytes, Consumer<String> warnings) {
    this(budgetBytes, 1, warnings);
  }

  /**
   * @param threads runs read at once, each by a thread of its own into a bounded queue of
   *     formatted bytes ({@value #QUEUED_CHUNKS} chunks of 64 KiB) that is written out in run
   *     order; the budget is shared among them
   */
  public ScalarExport(long budgetBytes, int threads, Consumer<String> warnings) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (budgetBytes / threads < BYTES_PER_POINT) {
      throw new IllegalArgumentException("the memory budget must hold a point (" + BYTES_PER_POINT
          + " bytes) per thread, was " + budgetBytes + " for " + threads);
    }
    this.budgetPoints = budgetBytes / threads / BYTES_PER_POINT;
    this.threads = threads;
    Objects.requireNonNull(warnings, "warnings");
    this.warnings = m -> {
      synchronized (this) {
        warnings.accept(m);
      }
    };
  }

  /** Chunks of formatted bytes a run read ahead of the one being written may queue. */
  static final int QUEUED_CHUNKS = 16;

  /** A budget of a quarter of the heap, at most 256 MiB. */
  public static long defaultBudget() {
    return Math.min(Runtime.getRuntime().maxMemory() / 4, 256L << 20);
  }

  /**
   * Writes the scalars of the runs and tags matching the predicates. Throws when the log directory
   * cannot be listed or the output cannot be written; a file that cannot be read is a warning.
   */
  public Summary export(Storage storage, Predicate<String> runs, Predicate<String> tags, ScalarExportWriter out)
      throws IOException {
    Storage.Listing listing = storage.listEventFiles();
    for (Storage.Unlisted u : listing.unlisted()) {
      warnings.accept(storage.location() + "/" + u.path() + ": cannot list this folder (" + u.reason()
          + "); it is left out");
    }
    Map<String, List<Storage.FileStat>> byRun = new TreeMap<>();
    for (Storage.FileStat f : listing.files()) {
      int slash = f.path().lastIndexOf('/');
      String run = slash < 0 ? "." : f.path().substring(0, slash);
      byRun.computeIfAbsent(run, k -> new ArrayList<>()).add(f);
    }
    List<RunExport> todo = new ArrayList<>();
    for (Map.Entry<String, List<Storage.FileStat>> e : byRun.entrySet()) {
      if (runs.test(e.getKey())) {
        List<Storage.FileStat> files = e.getValue();
        files.sort(Comparator.comparing(f -> f.path().substring(f.path().lastIndexOf('/') + 1)));
        todo.add(new RunExport(storage, e.getKey(), files, tags));
      }
    }
    int runCount = 0;
    int series = 0;
    long before = out.points();
    int problems = 0;
    if (threads == 1 || todo.size() < 2) {
      for (RunExport r : todo) {
        int s = r.write(out);
        problems += r.problems;
        runCount += s > 0 ? 1 : 0;
        series += s;
      }
    } else {
      int[] totals = inParallel(todo, out);
      runCount = totals[0];
      series = totals[1];
      problems = totals[2];
    }
    out.flush();
    return new Summary(runCount, series, out.points() - before, problems);
  }

  /**
   * Reads the runs on {@link #threads} threads, each writing its run into a queue of its own, and
   * writes the queues to {@code out} in run order. Returns runs with points, series, damage.
   */
  private int[] inParallel(List<RunExport> todo, ScalarExportWriter out) throws IOException {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "export");
      t.setDaemon(true);
      return t;
    });
    List<Pipe> pipes = new ArrayList<>();
    List<java.util.concurrent.Future<long[]>> done = new ArrayList<>();
    try {
      for (RunExport r : todo) {
        Pipe pipe = new Pipe();
        pipes.add(pipe);
        done.add(pool.submit(() -> {
          try {
            ScalarExportWriter w = ScalarExportWriter.continuing(out.format(), pipe);
            int s = r.write(w);
            w.flush();
            return new long[] {s, w.points(), r.problems};
          } finally {
            pipe.end();
          }
        }));
      }
      int[] totals = new int[3];
      for (int i = 0; i < todo.size(); i++) {
        Pipe pipe = pipes.get(i);
        for (byte[] chunk = pipe.take(); chunk != Pipe.END; chunk = pipe.take()) {
          out.raw(chunk);
        }
        long[] r;
        try {
          r = done.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
        totals[0] += r[0] > 0 ? 1 : 0;
        totals[1] += (int) r[0];
        out.counted(r[1]);
        totals[2] += (int) r[2];
      }
      return totals;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("export interrupted");
    } finally {
      for (Pipe p : pipes) {
        p.abort();
      }
      pool.shutdownNow();
    }
  }

  /** A run's formatted bytes on their way to the output: a bounded queue of chunks. */
  private static final class Pipe extends java.io.OutputStream {
    static final byte[] END = new byte[0];
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> chunks =
        new java.util.concurrent.ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private volatile boolean aborted;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > 0) {
        put(Arrays.copyOfRange(b, off, off + len));
      }
    }

    private void put(byte[] chunk) throws IOException {
      try {
        while (!chunks.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          if (aborted) {
            throw new IOException("the export stopped");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("the export stopped");
      }
    }

    void end() {
      try {
        put(END);
      } catch (IOException e) {
        // stopped: nobody reads it
      }
    }

    byte[] take() throws InterruptedException {
      return chunks.take();
    }

    void abort() {
      aborted = true;
    }
  }

  /**
   * The scalars of a store (the dashboard's export): the given runs in name order, their scalar
   * tags matching {@code tags} in name order, every point by step, read from the store a page at
   * a time and written as they come. Returns the series written. Throws {@link
   * java.util.NoSuchElementException} for an unknown run before anything is written.
   */
  public static int export(LogdirData store, java.util.Collection<String> runs, Predicate<String> tags,
      ScalarExportWriter out) throws IOException {
    java.util.SortedMap<String, List<String>> selected = new TreeMap<>();
    for (String run : runs) {
      List<String> names = new ArrayList<>();
      for (TagInfo t : store.tags(run)) {
        if (t.kind() == TagKind.SCALAR && tags.test(t.tag())) {
          names.add(t.tag());
        }
      }
      names.sort(null);
      selected.put(run, names);
    }
    int series = 0;
    for (Map.Entry<String, List<String>> e : selected.entrySet()) {
      for (String tag : e.getValue()) {
        out.series(e.getKey(), tag);
        long from = Long.MIN_VALUE;
        ScalarPoints p;
        try {
          do {
            p = store.scalars(e.getKey(), tag, from, Long.MAX_VALUE, STORE_PAGE);
            for (int i = 0; i < p.size(); i++) {
              out.point(p.steps()[i], p.wallTimes()[i], p.values()[i]);
            }
            from = p.nextStep();
          } while (p.more());
        } catch (java.util.NoSuchElementException gone) {
          continue; // removed while we wrote (its run's files were deleted): what was written stays
        }
        series++;
      }
    }
    out.flush();
    return series;
  }

  /** Points asked of the store at a time. */
  static final int STORE_PAGE = 100_000;

  /** A tag of the run being read. */
  private static final class Tag extends TagOrder.Linked<Tag> {
    final String name;
    final boolean scalar;
    final boolean wanted;
    /** Values read, before the restart rules. */
    long count;
    long maxStep = Long.MIN_VALUE;
    final Cuts cuts = new Cuts();
    /** Where this tag's next survival checks start in its cuts and in the run's STARTs. */
    int cutAt;
    int startAt;
    /** The points held: by the first read (restart rules applied), or by a batch's read (survivors). */
    long[] steps;
    double[] walls;
    double[] values;
    int size;
    /** In the batch being read; alone in it: written as read. */
    boolean inBatch;
    boolean direct;

    Tag(String name, boolean scalar, boolean wanted) {
      this.name = name;
      this.scalar = scalar;
      this.wanted = wanted;
    }

    void hold(long step, double wall, double value) {
      if (steps == null) {
        steps = new long[16];
        walls = new double[16];
        values = new double[16];
      } else if (size == steps.length) {
        int n = (int) Math.min(Integer.MAX_VALUE - 8, size * 2L);
        steps = Arrays.copyOf(steps, n);
        walls = Arrays.copyOf(walls, n);
        values = Arrays.copyOf(values, n);
      }
      steps[size] = step;
      walls[size] = wall;
      values[size] = value;
      size++;
    }

    /** Drops the held points at steps >= step (held points are in step order); returns how many. */
    int truncateFrom(long step) {
      if (size == 0 || steps[size - 1] < step) {
        return 0;
      }
      int lo = ScalarSeries.lowerBound(steps, 0, size, step);
      int dropped = size - lo;
      size = lo;
      return dropped;
    }

    void release() {
      steps = null;
      walls = null;
      values = null;
      size = 0;
    }
  }

  /**
   * Steps that went back, at their positions: a stack whose positions and steps both rise. The
   * smallest step cut after position p is the step of the first entry past p.
   */
  private static final class Cuts {
    long[] positions = new long[0];
    long[] steps = new long[0];
    int size;

    void push(long position, long step) {
      while (size > 0 && steps[size - 1] >= step) {
        size--;
      }
      if (size == positions.length) {
        positions = Arrays.copyOf(positions, Math.max(4, size * 2));
        steps = Arrays.copyOf(steps, Math.max(4, size * 2));
      }
      positions[size] = position;
      steps[size] = step;
      size++;
    }

    /** From index {@code at} (positions before it are behind p): the first entry past p. */
    int advance(int at, long p) {
      while (at < size && positions[at] <= p) {
        at++;
      }
      return at;
    }
  }

  /** One run's export. */
  private final class RunExport implements EventHandler {
    private final Storage storage;
    private final String run;
    private final List<Storage.FileStat> files;
    private final Predicate<String> tagFilter;
    /** Where the first read of each file ended: later reads stop there. */
    private final long[] ends;
    private final Map<String, Tag> tags = new HashMap<>();
    private final Cuts starts = new Cuts();
    private boolean firstRead = true;
    private long position;
    private long maxStep = Long.MIN_VALUE;
    /** Points held by the first read; -1 once past the budget. */
    private long held;
    private final TagOrder<Tag> order = new TagOrder<>();
    private ScalarExportWriter out;
    int problems;

    RunExport(Storage storage, String run, List<Storage.FileStat> files, Predicate<String> tagFilter) {
      this.storage = storage;
      this.run = run;
      this.files = files;
      this.tagFilter = tagFilter;
      this.ends = new long[files.size()];
    }

    /** Reads and writes the run; returns the series written. */
    int write(ScalarExportWriter w) throws IOException {
      this.out = w;
      readAll();
      firstRead = false;
      List<Tag> wanted = new ArrayList<>();
      for (Tag t : tags.values()) {
        if (t.scalar && t.wanted && t.count > 0) {
          wanted.add(t);
        }
      }
      wanted.sort(Comparator.comparing(t -> t.name));
      int series = 0;
      if (held >= 0) {
        for (Tag t : wanted) {
          if (t.size > 0) {
            writeHeld(t);
            series++;
          }
          t.release();
        }
        return series;
      }
      for (Tag t : wanted) {
        t.release();
      }
      int i = 0;
      while (i < wanted.size()) {
        // a batch: the tags that follow while their counts fit the budget, at least one
        int j = i;
        long sum = 0;
        while (j < wanted.size() && (j == i || sum + wanted.get(j).count <= budgetPoints)) {
          sum += wanted.get(j).count;
          j++;
        }
        List<Tag> batch = wanted.subList(i, j);
        boolean direct = batch.size() == 1;
        for (Tag t : batch) {
          t.inBatch = true;
          t.direct = direct;
          t.cutAt = 0;
          t.startAt = 0;
          if (direct) {
            out.series(run, t.name);
          }
        }
        long before = out.points();
        position = 0;
        order.forget();
        readAll();
        for (Tag t : batch) {
          t.inBatch = false;
          if (direct) {
            series += out.points() > before ? 1 : 0;
          } else if (t.size > 0) {
            writeHeld(t);
            series++;
          }
          t.release();
        }
        i = j;
      }
      return series;
    }

    private void writeHeld(Tag t) throws IOException {
      out.series(run, t.name);
      for (int k = 0; k < t.size; k++) {
        out.point(t.steps[k], t.walls[k], t.values[k]);
      }
    }

    private void readAll() throws IOException {
      TagStrings strings = new TagStrings();
      for (int i = 0; i < files.size(); i++) {
        String path = files.get(i).path();
        if (!firstRead && ends[i] == 0) {
          continue;
        }
        try (SeekableByteChannel ch = storage.open(path)) {
          ScanResult r = scanner.scan(ch, path, ScanPosition.START, firstRead ? Long.MAX_VALUE : ends[i], this,
              strings);
          if (firstRead) {
            ends[i] = r.next().offset();
          }
        } catch (IOException e) {
          if (firstRead) {
            problems++;
            warnings.accept(storage.location() + "/" + path + ": cannot read (" + e.getMessage() + "); left out");
          }
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause(); // the output failed
        }
      }
    }

    @Override
    public void onProblem(Problem p) {
      if (firstRead) {
        if (p.kind().isCorruption()) {
          problems++;
        }
        String what = p.kind() == Problem.Kind.TRUNCATED_RECORD
            ? "the file ends inside a record (cut off, or still being written); the points before it are exported"
            : p.message() + " (" + p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "); the readable points are exported";
        warnings.accept(storage.location() + "/" + p.file() + " at byte " + p.offset() + ": " + what);
      }
    }

    @Override
    public void onEvent(EventView e) {
      switch (e.kind()) {
        case SESSION_LOG:
          if (e.sessionLog().isStart()) {
            start(e.step());
          }
          break;
        case GRAPH_DEF:
          tags.putIfAbsent(Ingest.RUN_GRAPH_TAG, new Tag(Ingest.RUN_GRAPH_TAG, false, false));
          break;
        case TAGGED_RUN_METADATA: {
          String name = e.taggedRunMetadata().tag();
          if (name.length() <= Ingest.MAX_TAG_CHARS) {
            tags.putIfAbsent(name, new Tag(name, false, false));
          }
          break;
        }
        default:
          break;
      }
    }

    @Override
    public boolean onScalar(double wall, long step, String tag, float value, boolean tensor) {
      Tag t = order.find(tag, tags);
      if (t == null || !t.scalar) {
        return false; // a new tag, or a mismatch: the general path decides
      }
      point(t, step, wall, value);
      return true;
    }

    @Override
    public void onValue(EventView e, ValueView v) {
      String name = v.tag();
      Tag t = order.find(name, tags);
      if (t == null) {
        if (name.length() > Ingest.MAX_TAG_CHARS) {
          return; // the store skips it (and reports it)
        }
        t = new Tag(name, isScalarTag(v), tagFilter.test(name));
        tags.put(name, t);
        order.added(name, t);
      }
      if (t.scalar && v.isScalar()) {
        point(t, e.step(), e.wallTime(), v.scalar());
      }
    }

    /** As {@link Ingest}'s first value of a tag decides: a simple_value, or a scalars plugin rank-0 tensor. */
    private boolean isScalarTag(ValueView v) {
      // metadata first: a value whose metadata cannot be read makes no tag, in the store either
      SummaryMetadata md = v.hasMetadata() ? v.metadata() : null;
      if (v.kind() == ValueKind.SIMPLE_VALUE) {
        return true;
      }
      return v.kind() == ValueKind.TENSOR && md != null && PluginNames.SCALARS.equals(md.pluginName()) && v.isScalar();
    }

    private void start(long step) {
      long p = ++position;
      if (!firstRead) {
        return;
      }
      if (step <= maxStep) {
        starts.push(p, step);
      }
      if (held > 0) {
        for (Tag t : tags.values()) {
          held -= t.truncateFrom(step);
        }
      }
    }

    private void point(Tag t, long step, double wall, double value) {
      long p = ++position;
      if (!t.wanted) {
        return;
      }
      if (firstRead) {
        t.count++;
        if (step <= t.maxStep) {
          t.cuts.push(p, step);
        } else {
          t.maxStep = step;
        }
        if (step > maxStep) {
          maxStep = step;
        }
        if (held >= 0) {
          held -= t.truncateFrom(step);
          if (held >= budgetPoints) {
            held = -1; // past the budget: read again per batch
            for (Tag x : tags.values()) {
              x.release();
            }
          } else {
            t.hold(step, wall, value);
            held++;
          }
        }
        return;
      }
      if (!t.inBatch) {
        return;
      }
      t.cutAt = t.cuts.advance(t.cutAt, p);
      if (t.cutAt < t.cuts.size && step >= t.cuts.steps[t.cutAt]) {
        return;
      }
      t.startAt = starts.advance(t.startAt, p);
      if (t.startAt < starts.size && step >= starts.steps[t.startAt]) {
        return;
      }
      if (t.direct) {
        try {
          out.point(step, wall, value);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      } else {
        t.hold(step, wall, value);
      }
    }
  }
}
