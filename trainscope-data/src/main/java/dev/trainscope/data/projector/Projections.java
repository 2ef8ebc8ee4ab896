package dev.trainscope.data.projector;

import dev.trainscope.data.EmbeddingInfo;
import dev.trainscope.data.LogdirData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The projector's projections and nearest neighbours of the embeddings of a store, computed on the
 * server (where the vectors are: a page would first have to fetch 400 MB for an embedding of
 * 100,000 x 1,000) and cached per embedding and parameters, so every page and every reload after
 * the first gets them at once.
 *
 * <ul>
 *   <li>PCA: the covariance from every row, or from {@value #PCA_FIT_ROWS} evenly spaced rows of a
 *       larger embedding, its leading eigenvectors ({@link Pca}), and every row projected on them.
 *   <li>t-SNE and UMAP: at most {@value #MAX_SAMPLE} evenly spaced rows (as TensorBoard's
 *       projector samples them), first reduced to their {@value #REDUCED_DIMS} leading principal
 *       components; the answer names the rows it placed.
 *   <li>Neighbours: every row compared with the one asked about, by cosine or Euclidean distance,
 *       from vectors held in memory up to {@value #MAX_HELD_CELLS} numbers, read again from the
 *       files beyond that.
 * </ul>
 * Thread-safe; a projection asked for while it is being computed waits for that computation.
 */
public final class Projections {
  public static final int MAX_SAMPLE = 10_000;
  public static final int PCA_FIT_ROWS = 10_000;
  public static final int REDUCED_DIMS = 50;
  public static final long MAX_HELD_CELLS = 1L << 25;
  static final int CACHED = 32;

  private final LogdirData store;
  private final Map<Key, CompletableFuture<Projection>> running = new ConcurrentHashMap<>();
  private final Map<Key, Projection> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Projection> e) {
      return size() > CACHED;
    }
  };
  private Held held; // the vectors of the embedding last asked for neighbours, when small enough

  public Projections(LogdirData store) {
    this.store = store;
  }

  /** The methods, as named in requests. */
  public enum Method {
    PCA, TSNE, UMAP
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

  /**
   * A projection.
   *
   * @param rows the embedding's rows
   * @param indices the rows placed, in order, or null when every row is
   * @param coords {@code dims} numbers per row placed
   * @param variance PCA: the share of the variance each of the first components explains; else empty
   * @param millis how long it took to compute (not to fetch from the cache)
   */
  public record Projection(Params params, int rows, int[] indices, float[] coords, double[] variance, long millis) {}

  private record Key(EmbeddingInfo embedding, Params params) {}

  /** The projection of an embedding, from the cache when it was computed before. */
  public Projection project(String run, String tag, long step, Params params) throws IOException {
    EmbeddingInfo info = store.embedding(run, tag, step);
    if (!info.problem().isEmpty()) {
      throw new IOException("the embedding '" + tag + "' cannot be read: " + info.problem());
    }
    Key key = new Key(info, params);
    synchronized (cache) {
      Projection p = cache.get(key);
      if (p != null) {
        return p;
      }
    }
    CompletableFuture<Projection> mine = new CompletableFuture<>();
    CompletableFuture<Projection> f = running.putIfAbsent(key, mine);
    if (f == null) {
      f = mine;
      try {
        Projection p = compute(info, params);
        synchronized (cache) {
          cache.put(key, p);
        }
        mine.complete(p);
      } catch (IOException | RuntimeException | Error e) {
        mine.completeExceptionally(e);
      } finally {
        running.remove(key);
      }
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the projection was computed", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private Projection compute(EmbeddingInfo info, Params params) throws IOException {
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
    float[] data = read(info, sample);
    int r = Math.min(d, REDUCED_DIMS);
    float[] reduced = Pca.fit(data, s, d, r).projectAll(data, s, r);
    float[] coords = params.method() == Method.TSNE
        ? Tsne.run(reduced, s, r, params.dims(), params.perplexity(), params.iterations())
        : Umap.run(reduced, s, r, params.dims(), params.neighbours(), params.minDist(), params.iterations(), 42);
    return new Projection(params, n, s == n ? null : sample, coords, new double[0], (System.nanoTime() - start) / 1_000_000);
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

  private record Held(EmbeddingInfo info, float[] rows) {}

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
    synchronized (this) {
      if (held != null && held.info().equals(info)) {
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
      held = new Held(info, rows);
    }
    return rows;
  }
}
