package dev.trainscope.data.projector;

import dev.trainscope.data.EmbeddingInfo;
import dev.trainscope.data.LogdirData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The projector's projections and nearest neighbours of the embeddings of a store, computed on the
 * server (where the vectors are: a page would first have to fetch 400 MB for an embedding of
 * 100,000 x 1,000) and cached per embedding, version of its vectors ({@link
 * LogdirData#embeddingVersion}) and parameters, so every page and every reload after the first gets
 * them at once, and a tensor rewritten in place is projected anew.
 *
 * <ul>
 *   <li>PCA: the covariance from every row, or from {@value #PCA_FIT_ROWS} evenly spaced rows of a
 *       larger embedding, its leading eigenvectors ({@link Pca}), and every row projected on them.
 *   <li>t-SNE and UMAP: at most {@value #MAX_SAMPLE} evenly spaced rows (as TensorBoard's
 *       projector samples them), first reduced to their {@value #REDUCED_DIMS} leading principal
 *       components; the answer names the rows it placed. They take up to a minute, so they run in
 *       the background ({@value #WORKERS} at once, at most {@value #MAX_JOBS} started or waiting)
 *       and {@link #request} answers at once with their {@link Progress}, the layout as it is every
 *       {@value #SNAPSHOT_MILLIS} ms included, until the projection is done.
 *   <li>Neighbours: every row compared with the one asked about, by cosine or Euclidean distance,
 *       from vectors held in memory up to {@value #MAX_HELD_CELLS} numbers, read again from the
 *       files beyond that.
 * </ul>
 *
 * <p>A projection asked for while it is being computed is that computation, whoever asked first.
 * A computation goes on while someone wants it: every request for it (the first, each poll, and a
 * caller of {@link #project} every second while it waits) renews its lease of {@code abandonMillis}
 * (two and a half minutes by default); one nobody has asked about for that long stops at its next
 * iteration and leaves nothing behind. A page that polls is never stopped, even from a hidden tab,
 * and a client that went away costs at most that lease. Thread-safe.
 */
public final class Projections implements AutoCloseable {
  public static final int MAX_SAMPLE = 10_000;
  public static final int PCA_FIT_ROWS = 10_000;
  public static final int REDUCED_DIMS = 50;
  public static final long MAX_HELD_CELLS = 1L << 25;
  static final int CACHED = 32;
  /** t-SNE and UMAP computed at once; each uses every core. */
  static final int WORKERS = 2;
  /**
   * t-SNE and UMAP under way or waiting for a worker; beyond this a new one drops the waiting one
   * asked for least recently (were it still wanted, its next poll starts it again).
   */
  static final int MAX_JOBS = 16;
  /** How often the layout of a computation under way is copied for the pages that poll it. */
  static final long SNAPSHOT_MILLIS = 500;
  /** Failures kept for the pages that poll them, newest first. */
  static final int FAILURES = 8;
  /**
   * The default lease of a computation: how long one nobody asks about goes on. Longer than a
   * minute: a browser wakes the timers of a page in a hidden tab about once a minute (Chrome's
   * intensive throttling), and a t-SNE the user left running in another tab must not lapse and start
   * over between two of its polls.
   */
  public static final long ABANDON_MILLIS = 150_000;

  private final LogdirData store;
  private final long abandonNanos;
  private final Object lock = new Object();
  private final Map<Key, Job> running = new HashMap<>(); // guarded by lock
  private final Map<Key, Projection> cache = lru(CACHED); // guarded by lock
  private final Map<Key, Throwable> failed = lru(FAILURES); // guarded by lock
  private final ThreadPoolExecutor workers;
  private boolean closed; // guarded by lock
  private final AtomicInteger started = new AtomicInteger(); // computations begun, for tests
  private Held held; // the vectors of the embedding last asked for neighbours, when small enough

  public Projections(LogdirData store) {
    this(store, ABANDON_MILLIS);
  }

  /** With a lease of {@code abandonMillis}: a computation nobody asked about for that long stops. */
  public Projections(LogdirData store, long abandonMillis) {
    if (abandonMillis < 1) {
      throw new IllegalArgumentException("abandonMillis must be positive, was " + abandonMillis);
    }
    this.store = store;
    this.abandonNanos = abandonMillis * 1_000_000L;
    AtomicInteger threads = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "projection-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static <V> Map<Key, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, V> e) {
        return size() > max;
      }
    };
  }

  /** The methods, as named in requests. */
  public enum Method {
    PCA, TSNE, UMAP;

    /** t-SNE and UMAP: computed in the background, with progress. */
    public boolean iterative() {
      return this != PCA;
    }
  }

  /**
   * What a projection is asked with.
   *
   * @param perplexity t-SNE's perplexity (5 to 50 usual)
   * @param iterations t-SNE's iterations or UMAP's epochs
   * @param neighbours UMAP's k
   * @param minDist UMAP's min_dist
   */
  public record Params(Method method, int dims, double perplexity, int iterations, int neighbours, double minDist) {
    public Params {
      if (dims != 2 && dims != 3) {
        throw new IllegalArgumentException("dims must be 2 or 3, was " + dims);
      }
      if (!(perplexity >= 1 && perplexity <= 100)) {
        throw new IllegalArgumentException("perplexity must be between 1 and 100, was " + perplexity);
      }
      if (iterations < 1 || iterations > 5000) {
        throw new IllegalArgumentException("iterations must be between 1 and 5000, was " + iterations);
      }
      if (neighbours < 2 || neighbours > 200) {
        throw new IllegalArgumentException("neighbours must be between 2 and 200, was " + neighbours);
      }
      if (!(minDist >= 0 && minDist <= 1)) {
        throw new IllegalArgumentException("minDist must be between 0 and 1, was " + minDist);
      }
    }

    /** The defaults of a method: perplexity 30 and 500 t-SNE iterations; UMAP with 15 neighbours, min_dist 0.1, 300 epochs. */
    public static Params of(Method method, int dims) {
      return new Params(method, dims, 30, method == Method.UMAP ? 300 : 500, 15, 0.1);
    }
  }

  /** What {@link #request} answers: the projection, or how far its computation has got. */
  public sealed interface Answer permits Projection, Progress {}

  /**
   * A projection.
   *
   * @param rows the embedding's rows
   * @param indices the rows placed, in order, or null when every row is
   * @param coords {@code dims} numbers per row placed
   * @param variance PCA: the share of the variance each of the first components explains; else empty
   * @param millis how long it took to compute (not to fetch from the cache)
   */
  public record Projection(Params params, int rows, int[] indices, float[] coords, double[] variance, long millis)
      implements Answer {}

  /**
   * A t-SNE or UMAP under way.
   *
   * @param rows the embedding's rows
   * @param waiting true while it waits for a worker (others are being computed)
   * @param iteration iterations (epochs) done
   * @param iterations iterations (epochs) it will do
   * @param millis since it was first asked for
   * @param layoutIteration after which iteration {@code coords} was taken; 0 when there is none yet
   * @param indices the rows placed, as the projection will have them (null: every row)
   * @param coords the layout after {@code layoutIteration} iterations, {@code dims} numbers per row
   *     placed; null when there is none yet
   */
  public record Progress(Params params, int rows, boolean waiting, int iteration, int iterations, long millis,
      int layoutIteration, int[] indices, float[] coords) implements Answer {}

  /** The projections are closed: the server is stopping. */
  public static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message);
    }
  }

  private record Key(EmbeddingInfo embedding, String version, Params params) {}

  /** A computation, shared by everyone asking for its projection while it runs. */
  private final class Job implements Iterations {
    final Key key;
    final long start = System.nanoTime();
    final CompletableFuture<Projection> result = new CompletableFuture<>();
    final Runnable task = this::run;
    volatile long askedAt = start;
    volatile boolean dropped;
    volatile boolean begun;
    volatile int iteration;
    volatile Progress snapshot; // the last layout copied, with the rows it places
    long snapshotAt = start; // touched by the computing thread only
    int[] indices; // touched by the computing thread only

    Job(Key key) {
      this.key = key;
    }

    void ask() {
      askedAt = System.nanoTime();
    }

    boolean abandoned() {
      return dropped || System.nanoTime() - askedAt > abandonNanos;
    }

    @Override
    public void done(int done, float[] layout) {
      iteration = done;
      long now = System.nanoTime();
      if (abandoned() || isClosed()) {
        throw new CancellationException("nobody asked for it for " + abandonNanos / 1_000_000 + " ms");
      }
      if (now - snapshotAt >= SNAPSHOT_MILLIS * 1_000_000L && done < key.params().iterations()) {
        snapshotAt = now;
        snapshot = new Progress(key.params(), key.embedding().rows(), false, done, key.params().iterations(), 0, done,
            indices, layout.clone());
      }
    }

    Progress progress() {
      Progress s = snapshot;
      boolean waiting = !begun && workers.getActiveCount() >= WORKERS; // else about to begin
      return new Progress(key.params(), key.embedding().rows(), waiting, iteration, key.params().iterations(),
          (System.nanoTime() - start) / 1_000_000, s == null ? 0 : s.layoutIteration(), s == null ? null : s.indices(),
          s == null ? null : s.coords());
    }

    void run() {
      begun = true;
      try {
        if (abandoned() || isClosed()) {
          throw new CancellationException("nobody asked for it while it waited");
        }
        Projection p = compute(key.embedding(), key.params(), this);
        synchronized (lock) {
          cache.put(key, p);
          running.remove(key, this);
        }
        result.complete(p);
      } catch (CancellationException e) {
        synchronized (lock) {
          running.remove(key, this);
        }
        result.completeExceptionally(e);
      } catch (IOException | RuntimeException | Error e) {
        synchronized (lock) {
          running.remove(key, this);
          if (key.params().method().iterative()) { // kept for the pages polling it; PCA's callers wait
            failed.put(key, e);
          }
        }
        result.completeExceptionally(e);
      }
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * The projection of an embedding, or, for a t-SNE or UMAP not computed yet, how far its
   * computation has got (started by this request when none is under way): asked again, it answers
   * the projection once it is done. A computation that failed answers its failure once.
   *
   * @throws BusyException when closed
   */
  public Answer request(String run, String tag, long step, Params params) throws IOException {
    if (!params.method().iterative()) {
      return project(run, tag, step, params);
    }
    Key key = key(run, tag, step, params);
    Job job;
    synchronized (lock) {
      Projection p = cache.get(key);
      if (p != null) {
        return p;
      }
      Throwable t = failed.remove(key);
      if (t != null) {
        throw rethrow(t);
      }
      job = running.get(key);
      if (job == null) {
        job = start(key);
      }
      job.ask();
    }
    return job.progress();
  }

  /** The projection of an embedding, from the cache when it was computed before; waits for it to be computed. */
  public Projection project(String run, String tag, long step, Params params) throws IOException {
    return project(run, tag, step, params, () -> false);
  }

  /**
   * As {@link #project(String, String, long, Params)}, for a caller that may go away: once {@code
   * gone} says so it stops waiting (and renewing the computation's lease) with a {@link
   * CancellationException}.
   */
  public Projection project(String run, String tag, long step, Params params, BooleanSupplier gone) throws IOException {
    Key key = key(run, tag, step, params);
    while (true) {
      Job job;
      boolean mine = false;
      synchronized (lock) {
        Projection p = cache.get(key);
        if (p != null) {
          return p;
        }
        failed.remove(key);
        job = running.get(key);
        if (job == null) {
          if (params.method().iterative()) {
            job = start(key);
          } else {
            if (closed) {
              throw new BusyException("the server is stopping");
            }
            job = new Job(key);
            running.put(key, job);
            mine = true;
          }
        }
        job.ask();
      }
      if (mine) {
        job.run(); // PCA: a few seconds at most, on the caller's thread as before
      }
      try {
        return await(job, gone);
      } catch (CancellationException e) {
        if (isClosed()) {
          throw new BusyException("the server is stopping");
        }
        if (gone.getAsBoolean()) {
          throw e;
        } // else dropped while it waited for a worker, by newer ones: ask again
      }
    }
  }

  /** The job's projection, asking for it every second (or quarter of the lease, if shorter) while it is computed. */
  private Projection await(Job job, BooleanSupplier gone) throws IOException {
    long every = Math.max(1, Math.min(1_000_000_000L, abandonNanos / 4));
    try {
      while (true) {
        try {
          return job.result.get(every, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (gone.getAsBoolean()) {
            throw new CancellationException("the caller has gone");
          }
          job.ask(); // still wanted
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the projection was computed", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** Starts computing a t-SNE or UMAP; the caller holds the lock. */
  private Job start(Key key) {
    if (closed) {
      throw new BusyException("the server is stopping");
    }
    if (running.size() >= MAX_JOBS) {
      Job stale = null;
      for (Job j : running.values()) {
        if (!j.begun && (stale == null || j.askedAt - stale.askedAt < 0)) {
          stale = j;
        }
      }
      if (stale != null) {
        stale.dropped = true;
        running.remove(stale.key);
        workers.remove(stale.task);
        stale.result.completeExceptionally(new CancellationException("dropped for newer projections"));
      }
    }
    Job job = new Job(key);
    running.put(key, job);
    started.incrementAndGet();
    workers.execute(job.task);
    return job;
  }

  private Key key(String run, String tag, long step, Params params) throws IOException {
    EmbeddingInfo info = store.embedding(run, tag, step);
    if (!info.problem().isEmpty()) {
      throw new IOException("the embedding '" + tag + "' cannot be read: " + info.problem());
    }
    return new Key(info, store.embeddingVersion(run, tag, step), params);
  }

  private static RuntimeException rethrow(Throwable t) throws IOException {
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  /** t-SNE and UMAP computations started so far. */
  int started() {
    return started.get();
  }

  /** Computations under way or waiting. */
  int underWay() {
    synchronized (lock) {
      return running.size();
    }
  }

  /** Stops every computation under way (at its next iteration) and refuses new ones. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    workers.shutdown();
  }

  private Projection compute(EmbeddingInfo info, Params params, Job job) throws IOException {
    long start = System.nanoTime();
    int n = info.rows();
    int d = info.dims();
    if (params.method() == Method.PCA) {
      int fitRows = Math.min(n, PCA_FIT_ROWS);
      int[] sample = evenly(n, fitRows);
      float[] fitData = read(info, sample);
      Pca.Fit fit = Pca.fit(fitData, fitRows, d, Math.min(10, d));
      int k = Math.min(params.dims(), d);
      float[] coords = new float[n * params.dims()];
      if (fitRows == n) {
        float[] c = fit.projectAll(fitData, n, k);
        for (int i = 0; i < n; i++) {
          System.arraycopy(c, i * k, coords, i * params.dims(), k);
        }
      } else {
        float[] one = new float[k];
        store.embeddingRows(info.run(), info.tag(), info.step(), 0, n, (i, row) -> {
          fit.project(row, one);
          System.arraycopy(one, 0, coords, i * params.dims(), k);
        });
      }
      double[] shares = new double[fit.variances().length];
      for (int c = 0; c < shares.length; c++) {
        shares[c] = fit.totalVariance() > 0 ? fit.variances()[c] / fit.totalVariance() : 0;
      }
      return new Projection(params, n, null, coords, shares, (System.nanoTime() - start) / 1_000_000);
    }
    int s = Math.min(n, MAX_SAMPLE);
    int[] sample = evenly(n, s);
    job.indices = s == n ? null : sample;
    float[] data = read(info, sample);
    int r = Math.min(d, REDUCED_DIMS);
    float[] reduced = Pca.fit(data, s, d, r).projectAll(data, s, r);
    float[] coords = params.method() == Method.TSNE
        ? Tsne.run(reduced, s, r, params.dims(), params.perplexity(), params.iterations(), job)
        : Umap.run(reduced, s, r, params.dims(), params.neighbours(), params.minDist(), params.iterations(), 42, job);
    return new Projection(params, n, job.indices, coords, new double[0], (System.nanoTime() - start) / 1_000_000);
  }

  /** {@code s} row indices spread evenly over {@code n}, the first and the last included. */
  static int[] evenly(int n, int s) {
    int[] out = new int[s];
    for (int i = 0; i < s; i++) {
      out[i] = s == n ? i : (int) ((long) i * (n - 1) / Math.max(1, s - 1));
    }
    return out;
  }

  /** The rows at the ascending {@code indices}, one after another. */
  private float[] read(EmbeddingInfo info, int[] indices) throws IOException {
    int d = info.dims();
    float[] out = new float[indices.length * d];
    int[] at = {0};
    int last = indices[indices.length - 1];
    store.embeddingRows(info.run(), info.tag(), info.step(), indices[0], last - indices[0] + 1, (i, row) -> {
      while (at[0] < indices.length && indices[at[0]] == i) {
        System.arraycopy(row, 0, out, at[0] * d, d);
        at[0]++;
      }
    });
    if (at[0] != indices.length) {
      throw new IOException("the embedding '" + info.tag() + "' has fewer rows than listed: it changed");
    }
    return out;
  }

  /**
   * A neighbour of a row.
   *
   * @param distance cosine distance (1 - cosine similarity) or Euclidean distance
   */
  public record Neighbour(int index, double distance) {}

  private record Held(EmbeddingInfo info, String version, float[] rows) {}

  /** The {@code k} rows nearest to row {@code index} by {@code metric} ("cosine" or "euclidean"), nearest first. */
  public List<Neighbour> neighbours(String run, String tag, long step, int index, int k, String metric)
      throws IOException {
    boolean cosine = switch (metric) {
      case "cosine" -> true;
      case "euclidean" -> false;
      default -> throw new IllegalArgumentException("metric must be cosine or euclidean, was '" + metric + "'");
    };
    EmbeddingInfo info = store.embedding(run, tag, step);
    if (!info.problem().isEmpty()) {
      throw new IOException("the embedding '" + tag + "' cannot be read: " + info.problem());
    }
    if (index < 0 || index >= info.rows()) {
      throw new IllegalArgumentException("row " + index + " does not exist: the embedding has " + info.rows() + " rows");
    }
    int d = info.dims();
    int kk = Math.max(0, Math.min(k, info.rows() - 1));
    float[] all = heldRows(info);
    float[] query = new float[d];
    if (all != null) {
      System.arraycopy(all, index * d, query, 0, d);
    } else {
      store.embeddingRows(run, tag, step, index, 1, (i, row) -> System.arraycopy(row, 0, query, 0, d));
    }
    double qn = 0;
    for (float v : query) {
      qn += v * v;
    }
    double queryNorm = Math.sqrt(qn);
    TopK best = new TopK(kk);
    EmbeddingInfo.Rows visit = (i, row) -> {
      if (i == index || kk == 0) {
        return;
      }
      double dist;
      if (cosine) {
        double dot = 0;
        double nn = 0;
        for (int j = 0; j < d; j++) {
          dot += query[j] * row[j];
          nn += row[j] * row[j];
        }
        double denom = queryNorm * Math.sqrt(nn);
        dist = denom == 0 ? 1 : 1 - dot / denom;
      } else {
        double s2 = 0;
        for (int j = 0; j < d; j++) {
          double diff = query[j] - row[j];
          s2 += diff * diff;
        }
        dist = Math.sqrt(s2);
      }
      best.offer(i, dist);
    };
    if (all != null) {
      float[] row = new float[d];
      for (int i = 0; i < info.rows(); i++) {
        System.arraycopy(all, i * d, row, 0, d);
        visit.row(i, row);
      }
    } else {
      store.embeddingRows(run, tag, step, 0, info.rows(), visit);
    }
    List<Neighbour> out = new ArrayList<>(kk);
    for (int p = 0; p < kk && best.distance[p] != Double.POSITIVE_INFINITY; p++) {
      out.add(new Neighbour(best.index[p], best.distance[p]));
    }
    return out;
  }

  /** The whole embedding held in memory when it has at most MAX_HELD_CELLS numbers, else null. */
  private float[] heldRows(EmbeddingInfo info) throws IOException {
    if ((long) info.rows() * info.dims() > MAX_HELD_CELLS) {
      return null;
    }
    String version = store.embeddingVersion(info.run(), info.tag(), info.step());
    synchronized (this) {
      if (held != null && held.info().equals(info) && held.version().equals(version)) {
        return held.rows();
      }
    }
    int[] all = evenly(info.rows(), info.rows());
    float[] rows;
    try {
      rows = read(info, all);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    synchronized (this) {
      held = new Held(info, version, rows);
    }
    return rows;
  }
}
