package dev.trainscope.data;

import dev.trainscope.events.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;

/**
 * The runs as queries see them: each run's data as of the end of the latest chunk a loader applied
 * (a query never sees a chunk half applied), read under the run's read lock and copied out.
 */
final class CommittedRuns {
  private final Map<String, Run> runs;
  private final RunProblems problems;

  CommittedRuns(Map<String, Run> runs, RunProblems problems) {
    this.runs = runs;
    this.problems = problems;
  }

  /** The runs, sorted by name. */
  List<RunInfo> runs() {
    List<RunInfo> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(runs.keySet())) {
      Run run = runs.get(name);
      if (run != null) {
        out.add(info(run));
      }
    }
    return out;
  }

  RunInfo run(String name) {
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
  static void publish(Run run, LoadTotals totals) {
    run.published = snapshot(run);
    totals.account(run);
  }

  /** The most recent problems met while reading a run (at most 100). */
  List<Problem> problems(String run) {
    find(run);
    return problems.of(run);
  }

  /** The tags of a run, in the order they first appeared. */
  List<TagInfo> tags(String run) {
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

  TagInfo tag(String run, String tag) {
    return read(run, tag, null, (r, t) -> t.info(run));
  }

  /**
   * Up to {@code limit} exact points of a scalar tag with {@code fromStep <= step <= toStep}; when
   * more remain, {@link ScalarPoints#more()} is set and the next page starts at {@link
   * ScalarPoints#nextStep()}.
   */
  ScalarPoints scalars(String run, String tag, long fromStep, long toStep, int limit) {
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
  ScalarBuckets scalarBuckets(String run, String tag, long fromStep, long toStep, int buckets) {
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
  List<HistogramStep> histograms(String run, String tag, long fromStep, long toStep) {
    requireRange(fromStep, toStep);
    return read(run, tag, TagKind.HISTOGRAM, (r, t) -> {
      List<HistogramStep> out = new ArrayList<>();
      for (int i = t.histograms.lowerBound(fromStep); i < t.histograms.size() && t.histograms.step(i) <= toStep; i++) {
        TagData.HistEntry h = t.histograms.get(i);
        HistogramData data = h.data;
        boolean reread = false;
        if (data == null) {
          data = BlobReads.reread(r, h.ref, tag);
          reread = true;
        }
        out.add(new HistogramStep(t.histograms.step(i), t.histograms.wall(i), data.left(), data.right(), data.counts(), reread));
      }
      return out;
    });
  }

  /** What each step of an image, audio, graph, run metadata or tensor tag holds. */
  List<BlobInfo> blobs(String run, String tag) {
    return read(run, tag, null, (r, t) -> {
      if (t.blobs == null) {
        throw new NoSuchTagException(run, tag, "tag '" + tag + "' of run '" + run + "' holds " + t.kind
            + " values, not blobs");
      }
      List<BlobInfo> out = new ArrayList<>(t.blobs.size());
      for (int i = 0; i < t.blobs.size(); i++) {
        TagData.BlobEntry b = t.blobs.get(i);
        out.add(new BlobInfo(t.blobs.step(i), t.blobs.wall(i), b.count(), b.width(), b.height(), b.contentType(),
            b.ref().payloadLength()));
      }
      return out;
    });
  }

  /** The text of each step of a text tag. */
  List<TextStep> text(String run, String tag) {
    return read(run, tag, TagKind.TEXT, (r, t) -> {
      List<TextStep> out = new ArrayList<>(t.texts.size());
      for (int i = 0; i < t.texts.size(); i++) {
        out.add(new TextStep(t.texts.step(i), t.texts.wall(i), List.of(t.texts.get(i))));
      }
      return out;
    });
  }

  /** The PR curve of each step of a pr_curves tag. */
  List<PrCurveStep> prCurves(String run, String tag) {
    return read(run, tag, TagKind.PR_CURVE, (r, t) -> {
      List<PrCurveStep> out = new ArrayList<>(t.prCurves.size());
      for (int i = 0; i < t.prCurves.size(); i++) {
        float[] rows = t.prCurves.get(i);
        int n = rows.length / 6;
        double[][] v = new double[6][n];
        for (int row = 0; row < 6; row++) {
          for (int j = 0; j < n; j++) {
            v[row][j] = rows[row * n + j];
          }
        }
        out.add(new PrCurveStep(t.prCurves.step(i), t.prCurves.wall(i), v[0], v[1], v[2], v[3], v[4], v[5]));
      }
      return out;
    });
  }

  /** The run's mesh tags grouped into meshes. */
  List<MeshInfo> meshes(String run) {
    Run r = find(run);
    Lock l = r.lock.readLock();
    l.lock();
    List<Meshes.MeshTag> tags = new ArrayList<>();
    try {
      for (TagData t : r.data.tags.values()) {
        if (t.kind == TagKind.MESH && t.metadata != null && t.metadata.pluginData() != null) {
          long[] steps = new long[t.blobs.size()];
          for (int i = 0; i < steps.length; i++) {
            steps[i] = t.blobs.step(i);
          }
          tags.add(new Meshes.MeshTag(t.name, dev.trainscope.events.plugins.MeshPluginData.parse(
              t.metadata.pluginData().content()), steps));
        }
      }
    } finally {
      l.unlock();
    }
    return Meshes.group(run, tags);
  }

  Run find(String name) {
    Objects.requireNonNull(name, "run");
    Run r = runs.get(name);
    if (r == null) {
      throw new NoSuchRunException(name);
    }
    return r;
  }

  /** A read of one tag under the run's read lock. */
  @FunctionalInterface
  interface TagRead<T> {
    T apply(Run run, TagData tag);
  }

  /**
   * {@code f} applied to a tag of a run under the run's read lock; the tag must hold {@code kind}
   * values (any kind when null).
   */
  <T> T read(String run, String tag, TagKind kind, TagRead<T> f) {
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
