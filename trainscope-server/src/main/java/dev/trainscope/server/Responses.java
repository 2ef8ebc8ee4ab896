package dev.trainscope.server;

import dev.trainscope.data.BlobInfo;
import dev.trainscope.data.HParamsTable;
import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.LoadProgress;
import dev.trainscope.data.MeshInfo;
import dev.trainscope.data.MeshStep;
import dev.trainscope.data.PrCurveStep;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.ScalarBuckets;
import dev.trainscope.data.ScalarLayout;
import dev.trainscope.data.ScalarPoints;
import dev.trainscope.data.TagInfo;
import dev.trainscope.events.Problem;
import dev.trainscope.events.meaning.TagMeaning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON answers of {@link Api}, one record per shape, serialised by Jackson ({@link Json}):
 * what docs/API.md documents and the page reads. Each is copied field by field from the store's
 * and the diagnosis' types, so a field renamed there fails to compile here instead of changing the
 * API; ApiJsonTest compares every answer with an expected document.
 */
final class Responses {
  private Responses() {}

  /** {@code /api/runs}. */
  record Runs(List<Run> runs, Progress progress) {}

  /** A run: its files, how much of them was read, what they hold. */
  record Run(String name, List<String> files, long bytesRead, long bytesKnown, long events, int tags,
      double firstWallTime, double lastWallTime, long problems, boolean hasGraph, boolean hasMetaGraph,
      long droppedByRestart, long droppedBySessionStart, int restarts) {
    static Run of(RunInfo r) {
      return new Run(r.name(), r.files(), r.bytesRead(), r.bytesKnown(), r.events(), r.tags(), r.firstWallTime(),
          r.lastWallTime(), r.problems(), r.hasGraph(), r.hasMetaGraph(), r.droppedByRestart(),
          r.droppedBySessionStart(), r.restarts());
    }

    static List<Run> of(List<RunInfo> runs) {
      return runs.stream().map(Run::of).toList();
    }
  }

  /** {@code /api/progress}: the store's load progress and what the last poll could not list. */
  record Progress(long bytesRead, long bytesKnown, int runsLoaded, int runsKnown, boolean firstPollDone,
      List<FolderProblem> problems) {
    static Progress of(LoadProgress p, List<Problem> problems) {
      return new Progress(p.bytesRead(), p.bytesKnown(), p.runsLoaded(), p.runsKnown(), p.firstPollDone(),
          problems.stream().map(q -> new FolderProblem(q.file(), q.message())).toList());
    }
  }

  /** A log directory that could not be listed: the folder or URL, and why. */
  record FolderProblem(String file, String message) {}

  /** {@code /api/tags} of every run: a page of each run's tags and how many match in all. */
  record TagsOfRuns(Map<String, List<Tag>> runs, Map<String, Integer> totals, int offset) {}

  /** {@code /api/tags?run=}. */
  record TagsOfRun(String run, List<Tag> tags, int total, int offset) {}

  /** A tag: its kind, plugin, description, extent, values dropped, and what it is. */
  record Tag(String run, String tag, String kind, String plugin, String displayName, String description, long count,
      long firstStep, long lastStep, double lastWallTime, long droppedByRestart, long droppedBySessionStart,
      long rewrittenAtStep, Meaning meaning) {
    static Tag of(TagInfo t) {
      return new Tag(t.run(), t.tag(), t.kind().name().toLowerCase(Locale.ROOT), t.plugin(), t.displayName(),
          t.description(), t.count(), t.firstStep(), t.lastStep(), t.lastWallTime(), t.droppedByRestart(),
          t.droppedBySessionStart(), t.rewrittenAtStep(), t.meaning() == null ? null : Meaning.of(t.meaning()));
    }

    static List<Tag> of(List<TagInfo> tags) {
      return tags.stream().map(Tag::of).toList();
    }
  }

  /** A tag's meaning: its six components (role and split by their ids) and nothing derived from them. */
  record Meaning(String role, String split, String layer, String param, Map<String, String> attributes,
      String source) {
    static Meaning of(TagMeaning m) {
      return new Meaning(m.role().id(), m.split().id(), m.layer(), m.param(), m.attributes(), m.source());
    }
  }

  /** {@code /api/scalars}: one tag's series, one per run asked. */
  record Scalars(String tag, List<Series> series) {}

  /** A run's scalar series: exact points or buckets. */
  sealed interface Series permits Points, Buckets {}

  /** Exact points in columns; {@code more} with {@code nextStep} when the limit cut them. */
  record Points(String run, String tag, long[] steps, double[] wallTimes, double[] values, boolean more,
      long nextStep) implements Series {
    static Points of(ScalarPoints p) {
      return new Points(p.run(), p.tag(), p.steps(), p.wallTimes(), p.values(), p.more(), p.nextStep());
    }
  }

  /** Buckets in columns: each bucket's extent, extremes, first, last, mean and counts. */
  record Buckets(String run, String tag, long[] firstStep, long[] lastStep, double[] firstWallTime,
      double[] lastWallTime, double[] min, double[] max, double[] first, double[] last, double[] mean, long[] count,
      long[] nan, long[] posInf, long[] negInf) implements Series {
    static Buckets of(ScalarBuckets b) {
      return new Buckets(b.run(), b.tag(), b.firstStep(), b.lastStep(), b.firstWallTime(), b.lastWallTime(), b.min(),
          b.max(), b.first(), b.last(), b.mean(), b.count(), b.nan(), b.posInf(), b.negInf());
    }
  }

  /** {@code /api/histograms}: the steps sent (at most {@code maxSteps}) of {@code total}. */
  record Histograms(String run, String tag, int total, List<Histogram> steps) {}

  /** A step's histogram: bucket edges and counts; {@code reread} when read back from the file. */
  record Histogram(long step, double wallTime, double[] left, double[] right, double[] count, boolean reread) {
    static Histogram of(HistogramStep h) {
      return new Histogram(h.step(), h.wallTime(), h.left(), h.right(), h.count(), h.reread());
    }
  }

  /** {@code /api/distributions}: per step, the values at nine basis points, in columns {@code bands[9][steps]}. */
  record Distributions(String run, String tag, int[] basisPoints, long[] steps, double[] wallTimes,
      double[][] bands) {}

  /** {@code /api/blobs}: the images or clips of a tag, per step. */
  record Blobs(String run, String tag, List<Blob> steps) {}

  /** The blobs of a step: how many, the first one's size in pixels and bytes and its type. */
  record Blob(long step, double wallTime, int count, int width, int height, String contentType, int bytes) {
    static Blob of(BlobInfo b) {
      return new Blob(b.step(), b.wallTime(), b.count(), b.width(), b.height(), b.contentType(), b.bytes());
    }
  }

  /** {@code /api/text}. */
  record Texts(String run, String tag, List<Text> steps) {}

  /** A step's strings as written and as safe HTML rendered from their Markdown. */
  record Text(long step, double wallTime, List<String> text, List<String> html) {}

  /** {@code /api/prcurves}. */
  record PrCurves(String run, String tag, List<PrCurve> steps) {}

  /** A step's curve: the counts and the precision and recall at each threshold. */
  record PrCurve(long step, double wallTime, double[] truePositives, double[] falsePositives,
      double[] trueNegatives, double[] falseNegatives, double[] precision, double[] recall) {
    static PrCurve of(PrCurveStep p) {
      return new PrCurve(p.step(), p.wallTime(), p.truePositives(), p.falsePositives(), p.trueNegatives(),
          p.falseNegatives(), p.precision(), p.recall());
    }
  }

  /** {@code /api/audio}: the clips of one step. */
  record Audio(String run, String tag, long step, List<Clip> clips) {}

  /** A clip: its type, rate (frames a second), channels, length, and label as written and as safe HTML. */
  record Clip(int index, String contentType, double sampleRate, int channels, long frames, double seconds,
      String label, String labelHtml) {}

  /** {@code /api/customscalars}: the custom scalars layout of every run, merged. */
  record CustomScalars(List<Category> categories, List<String> runs, Map<String, String> unreadable) {
    static CustomScalars of(ScalarLayout l) {
      return new CustomScalars(l.categories().stream().map(c -> new Category(c.title(), c.closed(),
          c.charts().stream().map(ch -> new Chart(ch.title(), ch.margin() ? "margin" : "multiline", ch.tags(),
              ch.series().stream().map(m -> new MarginSeries(m.value(), m.lower(), m.upper())).toList())).toList()))
          .toList(), l.runs(), l.unreadable());
    }
  }

  /** A category of charts, collapsed when {@code closed}. */
  record Category(String title, boolean closed, List<Chart> charts) {}

  /**
   * A chart: {@code kind} "multiline" (a line per run and scalar tag matching any of the regular
   * expressions {@code tags}) or "margin" (per {@code series}, the value tag's line in a band).
   */
  record Chart(String title, String kind, List<String> tags, List<MarginSeries> series) {}

  /** The exact tags of a margin chart's value and bounds. */
  record MarginSeries(String value, String lower, String upper) {}

  /** {@code /api/meshes}: a run's meshes. */
  record Meshes(String run, List<Mesh> meshes) {}

  /** A mesh: its name, the three.js settings logged with it, its parts' tags and shapes, its steps. */
  record Mesh(String name, String config, List<MeshPart> parts, long[] steps) {
    static Mesh of(MeshInfo m) {
      return new Mesh(m.name(), m.jsonConfig(),
          m.parts().stream().map(p -> new MeshPart(p.content(), p.tag(), p.shape())).toList(), m.steps());
    }
  }

  /** A part of a mesh: "VERTEX", "FACE" or "COLOR", its tag and its shape ([batch, n, 3]). */
  record MeshPart(String content, String tag, int[] shape) {}

  /**
   * {@code /api/mesh}: one element of a mesh's batch at a step, flat: x, y, z per vertex, three
   * vertex indices per triangle (none for a point cloud), r, g, b (0 to 255) per vertex (none when
   * not logged).
   */
  record MeshData(String run, String name, long step, double wallTime, int sample, int samples, String config,
      float[] vertices, int[] faces, int[] colors) {
    static MeshData of(MeshStep m) {
      return new MeshData(m.run(), m.name(), m.step(), m.wallTime(), m.sample(), m.samples(), m.jsonConfig(),
          m.vertices(), m.faces(), m.colors());
    }
  }

  /**
   * {@code /api/hparams}: the hyperparameters and metrics named anywhere, the columns (hparams,
   * then metrics) with their types and domains, and a row per run with a session; {@code
   * liveSeconds}: a run whose last event is younger is taken to be still training (the rows' state,
   * and the Runs tab's status of runs without a session); {@code experiments}: each experiment's
   * name and number of sessions, the name each row's {@code experiment} gives.
   */
  record HParams(List<String> hparams, List<String> metrics, List<HParamsColumn> columns, List<HParamsRow> rows,
      List<HParamsExperiment> experiments, long liveSeconds) {
    static HParams of(HParamsTable t) {
      List<HParamsRow> rows = new ArrayList<>(t.rows().size());
      for (HParamsTable.Row r : t.rows()) {
        Map<String, HParamsMetric> stats = new java.util.LinkedHashMap<>();
        r.stats().forEach((k, m) -> stats.put(k, new HParamsMetric(m.run(), m.tag(), m.lastStep(), m.last(), m.min(),
            m.max())));
        rows.add(new HParamsRow(r.run(), r.experiment(), r.runs(), r.values(), r.metrics(), stats, r.status(),
            r.state().name().toLowerCase(java.util.Locale.ROOT), r.stateInferred(), r.startTime(), r.endTime(),
            r.lastWallTime()));
      }
      List<HParamsColumn> columns = new ArrayList<>(t.columns().size());
      for (HParamsTable.Column c : t.columns()) {
        columns.add(new HParamsColumn(c.name(), c.kind().name().toLowerCase(java.util.Locale.ROOT),
            c.type().name().toLowerCase(java.util.Locale.ROOT), c.domain(), c.interval(), c.displayName(),
            c.description()));
      }
      List<HParamsExperiment> experiments = t.experiments().stream()
          .map(x -> new HParamsExperiment(x.name(), x.sessions())).toList();
      return new HParams(t.hparams(), t.metrics(), columns, rows, experiments, HParamsTable.LIVE.toSeconds());
    }
  }

  /**
   * A column: {@code kind} hparam or metric, {@code type} number, string or bool; {@code domain}
   * the values of a discrete column (null for a numeric one without a declared list), {@code
   * interval} a declared [min, max] or null.
   */
  record HParamsColumn(String name, String kind, String type, List<Object> domain, List<Double> interval,
      String displayName, String description) {}

  /** An experiment of the log directory and how many sessions belong to it. */
  record HParamsExperiment(String name, int sessions) {}

  /**
   * A run's session: the experiment it belongs to (a name in {@code experiments}), its runs (the session's first), hyperparameter values, each metric's last
   * value ({@code metrics}) and last, least and greatest value ({@code stats}), the logged status
   * and the state (running, finished or failed; {@code stateInferred} when read from the run's
   * liveness rather than logged), and times.
   */
  record HParamsRow(String run, String experiment, List<String> runs, Map<String, Object> values, Map<String, Double> metrics,
      Map<String, HParamsMetric> stats, String status, String state, boolean stateInferred, double startTime,
      double endTime, double lastWallTime) {}

  /** A metric of a session: where it was read, its last step and value, its finite minimum and maximum. */
  record HParamsMetric(String run, String tag, long lastStep, double last, double min, double max) {}

  /** {@code /api/problems}: the log directories' problems. */
  record LogdirProblems(List<FileProblem> problems) {}

  /** {@code /api/problems?run=}. */
  record RunProblems(String run, List<FileProblem> problems) {}

  /** What could not be read, where. */
  record FileProblem(String kind, String file, long offset, String message) {
    static List<FileProblem> of(List<Problem> problems) {
      return problems.stream().map(p -> new FileProblem(p.kind().name(), p.file(), p.offset(), p.message())).toList();
    }
  }

  /**
   * {@code /api/findings}: the findings, the verdicts of the trainings they belong to (their
   * findings as indices into {@code findings}), and per run how many of each severity.
   */
  record Findings(long version, List<FindingJson.Finding> findings, List<FindingJson.Verdict> verdicts,
      Map<String, Map<String, Integer>> counts) {}

  /** {@code /api/explain}: what a training's tags were read as, and which rules could examine it. */
  record Explanation(String subject, List<String> runs, List<FindingJson.Role> roles,
      List<FindingJson.Check> coverage) {}

  /** {@code /api/graphs}: the graphs the page can show. */
  record Graphs(List<GraphService.Source> graphs) {}

  /** {@code /api/layers}: per role, a heatmap of layers by steps. */
  record Layers(String run, List<LayersView.Heatmap> heatmaps) {}

  /** The first server-sent event ({@code hello}) of a page that connects: the load progress. */
  record Hello(Progress progress) {}

  /**
   * A live update (the server-sent event {@code update}): whether runs or findings changed, the
   * tags that received steps since the last one, and the load progress.
   */
  record Update(boolean runsChanged, boolean findingsChanged, List<TagStep> tags, Progress progress) {}

  /** A tag's last step so far. */
  record TagStep(String run, String tag, long lastStep) {}

  /** {@code /api/embeddings?run=}: the run's embeddings for the projector. */
  record Embeddings(String run, List<Embedding> embeddings) {}

  /** An embedding: where it comes from, its shape, metadata columns, sprite, and why it cannot be drawn ("" when it can). */
  record Embedding(String tag, long step, String tensorName, String source, int rows, int dims,
      List<String> metadataColumns, int spriteWidth, int spriteHeight, String problem) {
    static Embedding of(dev.trainscope.data.EmbeddingInfo e) {
      return new Embedding(e.tag(), e.step(), e.tensorName(), e.source(), e.rows(), e.dims(), e.metadataColumns(),
          e.spriteWidth(), e.spriteHeight(), e.problem());
    }
  }

  /** {@code /api/embedding/metadata}: the column names and the values, a row per vector. */
  record EmbeddingMetadata(String run, String tag, long step, List<String> columns, List<List<String>> rows) {}

  /**
   * {@code /api/embedding/projection}: {@code dims} coordinates per row placed ({@code indices}, or
   * every row when null); for PCA the share of the variance of the first components; the time it
   * took to compute (when it was not cached).
   */
  record Projection(String run, String tag, long step, String method, int dims, int rows, int[] indices,
      float[] coords, double[] variance, long millis) {
    static Projection of(String run, String tag, long step, dev.trainscope.data.projector.Projections.Projection p) {
      return new Projection(run, tag, step, p.params().method().name().toLowerCase(Locale.ROOT), p.params().dims(),
          p.rows(), p.indices(), p.coords(), p.variance(), p.millis());
    }
  }

  /**
   * {@code /api/embedding/projection} while a t-SNE or UMAP is computed (status 202): {@code
   * state} "waiting" (for a worker) or "running", the iterations done of how many, the time since
   * it was first asked for, and the layout as it was after {@code layoutIteration} iterations
   * ({@code indices} and {@code coords} as in {@link Projection}), or null for both when there is
   * none yet or the request already had it ({@code since}).
   */
  record ProjectionProgress(String run, String tag, long step, String method, int dims, String state, int rows,
      int iteration, int iterations, long elapsedMillis, int layoutIteration, int[] indices, float[] coords) {
    static ProjectionProgress of(String run, String tag, long step, dev.trainscope.data.projector.Projections.Progress p,
        int since) {
      boolean layout = p.coords() != null && p.layoutIteration() > since;
      return new ProjectionProgress(run, tag, step, p.params().method().name().toLowerCase(Locale.ROOT),
          p.params().dims(), p.waiting() ? "waiting" : "running", p.rows(), p.iteration(), p.iterations(), p.millis(),
          p.layoutIteration(), layout ? p.indices() : null, layout ? p.coords() : null);
    }
  }

  /** {@code /api/embedding/neighbors}: the rows nearest to one, nearest first. */
  record Neighbours(String run, String tag, long step, int index, String metric, List<Neighbour> neighbours) {}

  /** A neighbour: its row and its distance (cosine: 1 - cosine similarity). */
  record Neighbour(int index, double distance) {}
}
