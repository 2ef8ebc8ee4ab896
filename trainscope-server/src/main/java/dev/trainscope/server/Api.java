package dev.trainscope.server;

import dev.trainscope.data.BlobInfo;
import dev.trainscope.data.DistributionStep;
import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.MediaTypes;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.LogdirData;
import dev.trainscope.data.ScalarBuckets;
import dev.trainscope.data.ScalarExport;
import dev.trainscope.data.ScalarExportWriter;
import dev.trainscope.data.ScalarPoints;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TextStep;
import dev.trainscope.diagnose.Examination;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.FindingsService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON API the dashboard uses, documented in docs/API.md. Every handler reads the store (or
 * the live diagnosis) and answers one of the records of {@link Responses}; unknown runs and tags
 * are 404, malformed parameters 400, both with a plain-text message. Scalars come in columns
 * ({@code steps}, {@code values}, ...) that charting libraries draw directly.
 */
final class Api {
  /** Exact points per request unless asked for fewer; downloads page through everything. */
  static final int DEFAULT_LIMIT = 10_000;
  static final int MAX_LIMIT = 1_000_000;
  static final int MAX_BUCKETS = 20_000;
  /** Request bodies read at once. */
  static final int BODY_READERS = 16;
  /** Open scopes a graph view request may list. */
  static final int MAX_EXPAND = 100_000;
  /** A blob is a unique opaque origin that may load nothing and run nothing. */
  static final String BLOB_CSP = "sandbox; default-src 'none'";

  private final LogdirData store;
  private final FindingsService findings;
  private final dev.trainscope.diagnose.Roles roles;

  private final GraphService graphs;
  private final dev.trainscope.data.projector.Projections projections;
  /** Request bodies being read. */
  private final java.util.concurrent.Semaphore bodyReaders = new java.util.concurrent.Semaphore(BODY_READERS);

  Api(LogdirData store, FindingsService findings, dev.trainscope.diagnose.Roles roles, GraphService graphs) {
    this.store = store;
    this.findings = findings;
    this.roles = roles;
    this.graphs = graphs;
    this.projections = new dev.trainscope.data.projector.Projections(store);
  }

  void register(Javalin app) {
    app.get("/api/runs", this::runs);
    app.get("/api/tags", this::tags);
    app.get("/api/scalars", this::scalars);
    app.get("/api/scalars/download", this::download);
    app.get("/api/export", this::export);
    app.get("/api/histograms", this::histograms);
    app.get("/api/distributions", this::distributions);
    app.get("/api/blobs", this::blobs);
    app.get("/api/blob", this::blob);
    app.get("/api/text", this::text);
    app.get("/api/prcurves", ctx -> ctx.json(new Responses.PrCurves(run(ctx), tag(ctx),
        store.prCurves(run(ctx), tag(ctx)).stream().map(Responses.PrCurve::of).toList())));
    app.get("/api/meshes", ctx -> ctx.json(new Responses.Meshes(run(ctx),
        store.meshes(run(ctx)).stream().map(Responses.Mesh::of).toList())));
    app.get("/api/mesh", this::mesh);
    app.get("/api/audio", this::audio);
    app.get("/api/customscalars", ctx -> ctx.json(Responses.CustomScalars.of(store.customScalars())));
    app.get("/api/hparams", ctx -> ctx.json(Responses.HParams.of(store.hparams())));
    app.get("/api/progress", ctx -> ctx.json(progress(store)));
    app.get("/api/problems", this::problems);
    app.get("/api/findings", this::findings);
    app.get("/api/explain", this::explain);
    app.get("/api/graphs", ctx -> ctx.json(new Responses.Graphs(graphs.sources(ctx.queryParam("run")))));
    app.get("/api/graph", ctx -> {
      List<String> expand = ctx.queryParams("expand");
      boolean explicit = !expand.isEmpty() || ctx.queryParam("expanded") != null;
      boolean all = "1".equals(ctx.queryParam("all"));
      ctx.json(graphs.view(graphRun(ctx), Params.required(ctx, "source"), explicit ? expand : null, all,
          () -> ClientWatch.of(ctx)));
    });
    // the same with a JSON body, for views with more open scopes than a URL can hold:
    // {"run": ..., "source": ..., "expand": [...], "all": false}
    app.post("/api/graph", ctx -> {
      com.fasterxml.jackson.databind.JsonNode body;
      try {
        body = Json.MAPPER.readTree(jsonBody(ctx));
      } catch (IOException e) {
        throw new BadRequest("the body is not JSON: " + Params.shorten(String.valueOf(e.getMessage())));
      }
      if (body == null || !body.isObject() || !body.path("source").isTextual()) {
        throw new BadRequest("expected a JSON object with \"source\" and optionally \"run\", \"expand\", \"all\"");
      }
      List<String> expand = null;
      if (body.has("expand")) {
        if (!body.get("expand").isArray()) {
          throw new BadRequest("\"expand\" must be a list of scope paths");
        }
        if (body.get("expand").size() > MAX_EXPAND) {
          throw new BadRequest("\"expand\" lists " + body.get("expand").size() + " scopes, more than " + MAX_EXPAND);
        }
        expand = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode e : body.get("expand")) {
          expand.add(e.asText());
        }
      }
      ctx.json(graphs.view(body.path("run").asText(""), body.get("source").asText(), expand,
          body.path("all").asBoolean(false), () -> ClientWatch.of(ctx)));
    });
    app.get("/api/graph/node", ctx -> ctx.json(graphs.node(graphRun(ctx), Params.required(ctx, "source"),
        Params.required(ctx, "node"))));
    app.get("/api/graph/search", ctx -> ctx.json(graphs.search(graphRun(ctx), Params.required(ctx, "source"),
        Params.required(ctx, "q"), Params.intParam(ctx, "limit", 50, 1, 1000))));
    app.get("/api/embeddings", ctx -> ctx.json(new Responses.Embeddings(run(ctx),
        store.embeddings(run(ctx)).stream().map(Responses.Embedding::of).toList())));
    app.get("/api/embedding/vectors", this::embeddingVectors);
    app.get("/api/embedding/metadata", ctx -> {
      dev.trainscope.data.EmbeddingInfo e = readableEmbedding(ctx);
      dev.trainscope.data.EmbeddingInfo.Metadata m = store.embeddingMetadata(e.run(), e.tag(), e.step());
      ctx.json(new Responses.EmbeddingMetadata(e.run(), e.tag(), e.step(), m.columns(), m.rows()));
    });
    app.get("/api/embedding/sprite", ctx -> {
      dev.trainscope.data.EmbeddingInfo e = readableEmbedding(ctx);
      byte[] bytes = store.embeddingSprite(e.run(), e.tag(), e.step());
      String type = MediaTypes.sniff(bytes);
      if (!type.startsWith("image/")) {
        throw new Refused(415, "the sprite of '" + Params.shorten(e.tag()) + "' is not an image this page can show");
      }
      ctx.header("Content-Security-Policy", BLOB_CSP);
      ctx.header("Cache-Control", "private, max-age=60");
      ctx.contentType(type);
      ctx.result(bytes);
    });
    app.get("/api/embedding/projection", this::projection);
    app.get("/api/embedding/neighbors", ctx -> {
      dev.trainscope.data.EmbeddingInfo e = readableEmbedding(ctx);
      int index = Params.intParam(ctx, "index", -1, 0, Integer.MAX_VALUE);
      if (index < 0) {
        throw new BadRequest("missing query parameter 'index'");
      }
      String metric = ctx.queryParamAsClass("metric", String.class).getOrDefault("cosine");
      if (!metric.equals("cosine") && !metric.equals("euclidean")) {
        throw new BadRequest("query parameter 'metric' must be cosine or euclidean, was '" + Params.shorten(metric) + "'");
      }
      int k = Params.intParam(ctx, "k", 10, 1, 1000);
      List<Responses.Neighbour> out = new ArrayList<>();
      for (var n : projections.neighbours(e.run(), e.tag(), e.step(), index, k, metric)) {
        out.add(new Responses.Neighbour(n.index(), n.distance()));
      }
      ctx.json(new Responses.Neighbours(e.run(), e.tag(), e.step(), index, metric, out));
    });
    app.get("/api/layers", ctx -> {
      String run = run(ctx);
      int columns = Params.intParam(ctx, "columns", 200, 1, 5000);
      ctx.json(new Responses.Layers(run, LayersView.of(store, run, roles, columns)));
    });
  }

  /**
   * A request's JSON body, bounded before a byte is read: it must say it is JSON (a page of
   * another site can send text/plain without asking, never application/json), give its length, and
   * be at most {@link DashboardServer#MAX_BODY} bytes; at most {@value #BODY_READERS} bodies are
   * read at once, so clients that send theirs slowly (and are dropped by Jetty's minimum data rate)
   * cannot hold the threads every other request needs.
   */
  private byte[] jsonBody(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!type.equals("application/json")) {
      throw new Refused(415, "The body must be JSON, sent as Content-Type: application/json (was '"
          + Params.shorten(String.valueOf(ctx.contentType())) + "').");
    }
    long length = ctx.req().getContentLengthLong();
    if (length < 0) {
      throw new Refused(411, "Give the body's length (Content-Length).");
    }
    if (length > DashboardServer.MAX_BODY) {
      throw new Refused(413, "The body has " + length + " bytes, more than the " + DashboardServer.MAX_BODY + " taken.");
    }
    if (!bodyReaders.tryAcquire()) {
      throw new Refused(503, "Too many requests are sending bodies at once: try again in a moment.");
    }
    try {
      return ctx.bodyAsBytes();
    } catch (Exception e) { // Kotlin's reads throw IOException unchecked
      int status = e instanceof org.eclipse.jetty.http.BadMessageException b ? b.getCode() : 400;
      Throwable t = e instanceof java.io.UncheckedIOException ? e.getCause() : e;
      throw new Refused(status, "The body could not be read: " + t.getMessage());
    } finally {
      bodyReaders.release();
    }
  }

  /**
   * The findings (of one run with {@code ?run=}), with the verdicts of the trainings they belong
   * to: root cause, consequences, others and notes as indices into the findings; and per run, how
   * many findings of each severity.
   */
  private void findings(Context ctx) {
    String run = ctx.queryParam("run");
    if (run != null) {
      store.run(run); // 404 for an unknown run
    }
    FindingsService.Report report = findings.report(run);
    List<FindingJson.Finding> list = new ArrayList<>();
    IdentityHashMap<Finding, Integer> index = new IdentityHashMap<>();
    for (Finding f : report.findings()) {
      index.put(f, list.size());
      list.add(FindingJson.finding(f, f.run()));
    }
    List<FindingJson.Verdict> verdicts = new ArrayList<>();
    for (Examination e : report.examinations()) {
      verdicts.add(FindingJson.verdict(e, index, r -> r, false));
    }
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    report.counts().forEach((r, bySeverity) -> {
      Map<String, Integer> n = new LinkedHashMap<>();
      bySeverity.forEach((severity, count) -> n.put(severity.name().toLowerCase(Locale.ROOT), count));
      counts.put(r, n);
    });
    ctx.json(new Responses.Findings(report.version(), list, verdicts, counts));
  }

  /** What the tags of a run's training were read as, and which rules could examine it, on what. */
  private void explain(Context ctx) {
    String run = run(ctx);
    store.run(run); // 404 for an unknown run
    Examination e = findings.examinationOf(run);
    if (e == null) {
      throw new dev.trainscope.data.NoSuchRunException(run);
    }
    ctx.json(new Responses.Explanation(e.subject(), e.runs(), FindingJson.roles(e, r -> r), FindingJson.coverage(e)));
  }

  /**
   * The embedding a request names ({@code run}, {@code tag}, {@code step}): 404 when there is none,
   * 409 with the reason when its files cannot be read.
   */
  private dev.trainscope.data.EmbeddingInfo readableEmbedding(Context ctx) {
    long step = Params.longParam(ctx, "step", Long.MIN_VALUE);
    if (step == Long.MIN_VALUE && ctx.queryParam("step") == null) {
      throw new BadRequest("missing query parameter 'step'");
    }
    dev.trainscope.data.EmbeddingInfo e = store.embedding(run(ctx), tag(ctx), step);
    if (!e.problem().isEmpty()) {
      throw new Refused(409, "the embedding '" + Params.shorten(e.tag()) + "' cannot be read: " + e.problem());
    }
    return e;
  }

  /**
   * An embedding's vectors as little-endian float32, row after row ({@code X-Rows} x {@code
   * X-Dims}), from row {@code from}, at most {@code limit} rows: streamed from the files, a row at
   * a time, whatever the embedding's size.
   */
  private void embeddingVectors(Context ctx) throws IOException {
    dev.trainscope.data.EmbeddingInfo e = readableEmbedding(ctx);
    int from = Params.intParam(ctx, "from", 0, 0, Integer.MAX_VALUE);
    int limit = Params.intParam(ctx, "limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    int rows = (int) Math.max(0, Math.min((long) e.rows() - from, limit));
    ctx.contentType("application/octet-stream");
    ctx.header("X-Rows", Integer.toString(rows));
    ctx.header("X-Dims", Integer.toString(e.dims()));
    ctx.header("Content-Length", Long.toString(4L * rows * e.dims()));
    java.io.OutputStream out = new java.io.BufferedOutputStream(ctx.outputStream(), 1 << 16);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * e.dims()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    try {
      store.embeddingRows(e.run(), e.tag(), e.step(), from, rows, (i, row) -> {
        buf.clear();
        buf.asFloatBuffer().put(row);
        try {
          out.write(buf.array(), 0, buf.capacity());
        } catch (IOException x) {
          throw new java.io.UncheckedIOException(x);
        }
      });
    } catch (java.io.UncheckedIOException x) {
      throw x.getCause();
    }
    out.flush();
  }

  /**
   * A projection of an embedding: {@code method} pca (default), tsne or umap; {@code dims} 2 or 3;
   * t-SNE's {@code perplexity} and {@code iterations}, UMAP's {@code neighbors}, {@code minDist}
   * and {@code iterations} (epochs). Computed once per embedding, version of its vectors and
   * parameters, then cached. A t-SNE or UMAP not computed yet answers at once, 202 with its
   * progress (and the layout as it is, when newer than iteration {@code since}), until it is done;
   * the page asks again every half second, which keeps the computation going (see {@link
   * dev.trainscope.data.projector.Projections}); {@code wait=1} waits for the projection instead.
   */
  private void projection(Context ctx) throws IOException {
    dev.trainscope.data.EmbeddingInfo e = readableEmbedding(ctx);
    String m = ctx.queryParamAsClass("method", String.class).getOrDefault("pca");
    dev.trainscope.data.projector.Projections.Method method;
    try {
      method = dev.trainscope.data.projector.Projections.Method.valueOf(m.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException x) {
      throw new BadRequest("query parameter 'method' must be pca, tsne or umap, was '" + Params.shorten(m) + "'");
    }
    int dims = Params.intParam(ctx, "dims", 2, 2, 3);
    var dflt = dev.trainscope.data.projector.Projections.Params.of(method, dims);
    double perplexity = doubleParam(ctx, "perplexity", dflt.perplexity());
    double minDist = doubleParam(ctx, "minDist", dflt.minDist());
    var params = new dev.trainscope.data.projector.Projections.Params(method, dims, perplexity,
        Params.intParam(ctx, "iterations", dflt.iterations(), 1, 5000), Params.intParam(ctx, "neighbors", dflt.neighbours(), 2, 200),
        minDist);
    int since = Params.intParam(ctx, "since", 0, 0, Integer.MAX_VALUE);
    boolean wait = "1".equals(ctx.queryParam("wait"));
    dev.trainscope.data.projector.Projections.Answer answer;
    try {
      if (wait) {
        try (ClientWatch gone = ClientWatch.of(ctx)) { // a client that left stops renewing the lease
          answer = projections.project(e.run(), e.tag(), e.step(), params, gone);
        }
      } else {
        answer = projections.request(e.run(), e.tag(), e.step(), params);
      }
    } catch (dev.trainscope.data.projector.Projections.BusyException x) {
      throw new Refused(503, x.getMessage());
    } catch (java.util.concurrent.CancellationException x) {
      throw new Refused(499, "the client has gone");
    }
    if (answer instanceof dev.trainscope.data.projector.Projections.Progress p) {
      ctx.status(202).json(Responses.ProjectionProgress.of(e.run(), e.tag(), e.step(), p, since));
    } else if (answer instanceof dev.trainscope.data.projector.Projections.Projection p) {
      ctx.json(Responses.Projection.of(e.run(), e.tag(), e.step(), p));
    }
  }

  /** Stops the projections under way. */
  void close() {
    projections.close();
  }

  private static double doubleParam(Context ctx, String name, double dflt) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException x) {
      throw new BadRequest("query parameter '" + name + "' must be a number, was '" + Params.shorten(v) + "'");
    }
  }

  /** A graph's run: "" for a model given on the command line. */
  private static String graphRun(Context ctx) {
    String run = ctx.queryParam("run");
    return run == null ? "" : run;
  }

  private static String run(Context ctx) {
    return Params.required(ctx, "run");
  }

  private static String tag(Context ctx) {
    return Params.required(ctx, "tag");
  }

  /** The required {@code step}: any long, Long.MIN_VALUE included. */
  private static long step(Context ctx) {
    long step = Params.longParam(ctx, "step", Long.MIN_VALUE);
    if (step == Long.MIN_VALUE && ctx.queryParam("step") == null) {
      throw new BadRequest("missing query parameter 'step'");
    }
    return step;
  }

  private void runs(Context ctx) {
    ctx.json(new Responses.Runs(Responses.Run.of(store.runs()), progress(store)));
  }

  /**
   * The store's load progress, with {@code problems}: what the last poll could not list of the log
   * directories ({@code file}: the folder or URL; {@code message}: access denied, no such bucket,
   * throttled...), so that the page says why runs do not appear or stopped updating.
   */
  static Responses.Progress progress(LogdirData store) {
    return Responses.Progress.of(store.progress(), store.logdirProblems());
  }

  /**
   * The tags of every run ({@code {"runs": {run: [TagInfo]}, "totals": {run: n}}}), or of one run
   * with {@code ?run=} ({@code {"run", "tags", "total", "offset"}}), a page at a time: those
   * matching {@code filter} (a regular expression, RE2 syntax, any case, found anywhere in the tag)
   * and of the {@code kind}s given, from {@code offset}, at most {@code limit} per run; a total
   * counts every match, so a client knows what it was not sent. A run with a million tags answers
   * in pages of kilobytes instead of one answer of hundreds of megabytes.
   */
  private void tags(Context ctx) {
    TagPage page = TagPage.of(ctx);
    String run = ctx.queryParam("run");
    if (run != null) {
      List<TagInfo> all = store.tags(Params.required(ctx, "run"));
      List<TagInfo> tags = new ArrayList<>();
      int total = page.select(all, tags);
      ctx.json(new Responses.TagsOfRun(run, Responses.Tag.of(tags), total, page.offset()));
      return;
    }
    Map<String, List<Responses.Tag>> out = new LinkedHashMap<>();
    Map<String, Integer> totals = new LinkedHashMap<>();
    for (RunInfo r : store.runs()) {
      try {
        List<TagInfo> tags = new ArrayList<>();
        totals.put(r.name(), page.select(store.tags(r.name()), tags));
        out.put(r.name(), Responses.Tag.of(tags));
      } catch (java.util.NoSuchElementException e) {
        // removed while we listed
      }
    }
    ctx.json(new Responses.TagsOfRuns(out, totals, page.offset()));
  }

  /** Which tags of a run {@code /api/tags} answers: filtered by name and kind, a page of them. */
  record TagPage(com.google.re2j.Pattern filter, java.util.Set<dev.trainscope.data.TagKind> kinds, int offset, int limit) {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 100_000;

    /** The tag filter in query parameter {@code name}: RE2, any case, to be found anywhere; null when absent. */
    static com.google.re2j.Pattern filter(Context ctx, String name) {
      String f = ctx.queryParam(name);
      if (f == null || f.isEmpty()) {
        return null;
      }
      if (f.length() > Params.MAX_NAME) {
        throw new BadRequest("query parameter '" + name + "' is longer than " + Params.MAX_NAME + " characters");
      }
      try {
        return com.google.re2j.Pattern.compile(f, com.google.re2j.Pattern.CASE_INSENSITIVE);
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw new BadRequest("query parameter '" + name + "' is not a regular expression (RE2 syntax): " + e.getMessage());
      }
    }

    static TagPage of(Context ctx) {
      com.google.re2j.Pattern filter = filter(ctx, "filter");
      java.util.Set<dev.trainscope.data.TagKind> kinds = java.util.EnumSet.noneOf(dev.trainscope.data.TagKind.class);
      for (String k : ctx.queryParams("kind")) {
        try {
          kinds.add(dev.trainscope.data.TagKind.valueOf(k.toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new BadRequest("query parameter 'kind' must be a tag kind (scalar, histogram, image, ...), was '"
              + Params.shorten(k) + "'");
        }
      }
      return new TagPage(filter, kinds, Params.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE),
          Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    /** Adds this page's tags of {@code all} to {@code into}; returns how many match in all. */
    int select(List<TagInfo> all, List<TagInfo> into) {
      int matched = 0;
      for (TagInfo t : all) {
        if ((kinds.isEmpty() || kinds.contains(t.kind())) && (filter == null || filter.matcher(t.tag()).find())) {
          if (matched >= offset && matched - offset < limit) {
            into.add(t);
          }
          matched++;
        }
      }
      return matched;
    }
  }

  /**
   * One tag of several runs ({@code &run=a&run=b}): downsampled to about {@code buckets} buckets
   * when given, else exact points, at most {@code limit} per run.
   */
  private void scalars(Context ctx) {
    String tag = tag(ctx);
    List<String> runs = Params.all(ctx, "run");
    long from = Params.longParam(ctx, "from", Long.MIN_VALUE);
    long to = Params.longParam(ctx, "to", Long.MAX_VALUE);
    if (from > to) {
      throw new BadRequest("'from' (" + from + ") is after 'to' (" + to + ")");
    }
    String b = ctx.queryParam("buckets");
    List<Responses.Series> series = new ArrayList<>(runs.size());
    if (b != null) {
      int buckets = Params.intParam(ctx, "buckets", 0, 1, MAX_BUCKETS);
      for (String run : runs) {
        ScalarBuckets s = store.scalarBuckets(run, tag, from, to, buckets);
        series.add(Responses.Buckets.of(s));
      }
    } else {
      int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      for (String run : runs) {
        ScalarPoints p = store.scalars(run, tag, from, to, limit);
        series.add(Responses.Points.of(p));
      }
    }
    ctx.json(new Responses.Scalars(tag, series));
  }

  /**
   * Every point of one scalar series ({@code run}, {@code tag}), as {@link #export} writes it: the
   * same columns, so that a card's download and the export read alike.
   */
  private void download(Context ctx) throws IOException {
    String run = run(ctx);
    String tag = tag(ctx);
    ScalarExportWriter.Format format = format(ctx);
    store.scalars(run, tag, Long.MIN_VALUE, Long.MIN_VALUE, 1); // 404 before any output
    stream(ctx, format, safeFileName(run + "_" + tag), java.util.List.of(run), tag::equals);
  }

  /**
   * Every point of the scalar tags matching {@code tags} (a regular expression as the tag filter's:
   * RE2 syntax, any case, found anywhere in the tag; all when absent) of the runs given ({@code
   * &run=a&run=b}; all when none is given), streamed as CSV or JSON Lines ({@link
   * ScalarExportWriter}) in the order of {@code trainscope export}: runs, then tags by name, then
   * steps. 404 when no run has a matching scalar tag.
   */
  private void export(Context ctx) throws IOException {
    ScalarExportWriter.Format format = format(ctx);
    com.google.re2j.Pattern filter = TagPage.filter(ctx, "tags");
    List<String> runs;
    if (ctx.queryParams("run").isEmpty()) {
      runs = store.runs().stream().map(RunInfo::name).toList();
    } else {
      runs = Params.all(ctx, "run");
      for (String r : runs) {
        store.run(r); // 404 for an unknown run before any output
      }
    }
    java.util.function.Predicate<String> tags = filter == null ? t -> true : t -> filter.matcher(t).find();
    boolean any = false;
    for (String r : runs) {
      for (TagInfo t : store.tags(r)) {
        any |= t.kind() == dev.trainscope.data.TagKind.SCALAR && tags.test(t.tag());
      }
    }
    if (!any) {
      throw new dev.trainscope.data.NoSuchTagException(runs.size() == 1 ? runs.get(0) : "",
          filter == null ? "" : filter.pattern(), "no scalar tag"
          + (filter == null ? "" : " matching '" + Params.shorten(filter.pattern()) + "'")
          + " in the " + (runs.size() == 1 ? "run '" + Params.shorten(runs.get(0)) + "'" : runs.size() + " runs"));
    }
    stream(ctx, format, runs.size() == 1 ? safeFileName(runs.get(0)) + "-scalars" : "scalars", runs, tags);
  }

  private static ScalarExportWriter.Format format(Context ctx) {
    try {
      return ScalarExportWriter.Format.parse(ctx.queryParamAsClass("format", String.class).getOrDefault("csv"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("query parameter 'format' must be csv or json, was '"
          + Params.shorten(ctx.queryParam("format")) + "'");
    }
  }

  /** Streams the scalars as an attachment named {@code name} plus the format's extension. */
  private void stream(Context ctx, ScalarExportWriter.Format format, String name, List<String> runs,
      java.util.function.Predicate<String> tags) throws IOException {
    ctx.contentType(format.contentType());
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "." + format.extension() + "\"");
    ScalarExport.export(store, runs, tags, ScalarExportWriter.of(format, ctx.outputStream()));
  }

  static String safeFileName(String s) {
    String cleaned = s.replaceAll("[^A-Za-z0-9._-]+", "_");
    return cleaned.length() > 120 ? cleaned.substring(0, 120) : cleaned;
  }

  /**
   * Histograms of a tag; with {@code maxSteps}, at most that many steps, evenly spread and always
   * keeping the first and the last.
   */
  private void histograms(Context ctx) {
    String run = run(ctx);
    String tag = tag(ctx);
    int max = Params.intParam(ctx, "maxSteps", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    List<HistogramStep> all = store.histograms(run, tag);
    ctx.json(new Responses.Histograms(run, tag, all.size(),
        spread(all, max).stream().map(Responses.Histogram::of).toList()));
  }

  static <T> List<T> spread(List<T> all, int max) {
    if (all.size() <= max) {
      return all;
    }
    List<T> out = new ArrayList<>(max);
    if (max == 1) {
      out.add(all.get(all.size() - 1));
      return out;
    }
    int last = -1;
    for (int i = 0; i < max; i++) {
      int idx = (int) Math.round((double) i * (all.size() - 1) / (max - 1));
      if (idx != last) {
        out.add(all.get(idx));
        last = idx;
      }
    }
    return out;
  }

  /** The nine basis-point bands per step, in columns: {@code steps}, {@code wallTimes}, {@code bands[9][n]}. */
  private void distributions(Context ctx) {
    String run = run(ctx);
    String tag = tag(ctx);
    List<DistributionStep> d = store.distributions(run, tag);
    long[] steps = new long[d.size()];
    double[] walls = new double[d.size()];
    double[][] bands = new double[9][d.size()];
    for (int i = 0; i < d.size(); i++) {
      steps[i] = d.get(i).step();
      walls[i] = d.get(i).wallTime();
      for (int b = 0; b < 9; b++) {
        bands[b][i] = d.get(i).values()[b];
      }
    }
    ctx.json(new Responses.Distributions(run, tag, dev.trainscope.data.Distributions.BASIS_POINTS, steps,
        walls, bands));
  }

  private void blobs(Context ctx) {
    String run = run(ctx);
    String tag = tag(ctx);
    List<BlobInfo> list = store.blobs(run, tag);
    ctx.json(new Responses.Blobs(run, tag, list.stream().map(Responses.Blob::of).toList()));
  }

  /**
   * The bytes of one image, clip or graph. Never active content, whatever the file says: only bytes
   * recognised as an image or audio format ({@link MediaTypes}) are served inline, as the type
   * sniffed from them; anything else is a download. Every blob is sandboxed, so even a browser
   * that rendered one as a document would run nothing on this origin.
   */
  private void blob(Context ctx) throws IOException {
    String run = run(ctx);
    String tag = tag(ctx);
    long step = step(ctx);
    int index = Params.intParam(ctx, "index", 0, 0, Integer.MAX_VALUE);
    byte[] bytes = store.blob(run, tag, step, index);
    String type = MediaTypes.sniff(bytes);
    if (!MediaTypes.isMedia(type)) {
      ctx.header("Content-Disposition", "attachment; filename=\"" + safeFileName(tag) + "_" + step + ".bin\"");
    }
    ctx.header("Content-Security-Policy", BLOB_CSP);
    ctx.header("Cache-Control", "private, max-age=60");
    ctx.contentType(type);
    ctx.result(bytes);
  }

  /** One element of a mesh's batch at a step: its vertices, faces and colours. */
  private void mesh(Context ctx) throws IOException {
    String run = run(ctx);
    String name = Params.required(ctx, "name");
    long step = step(ctx);
    int sample = Params.intParam(ctx, "sample", 0, 0, Integer.MAX_VALUE);
    ctx.json(Responses.MeshData.of(store.mesh(run, name, step, sample)));
  }

  /** The clips of one step of an audio tag: how each sounds and its label, as text and as safe HTML. */
  private void audio(Context ctx) throws IOException {
    String run = run(ctx);
    String tag = tag(ctx);
    long step = step(ctx);
    List<Responses.Clip> clips = new ArrayList<>();
    for (dev.trainscope.data.AudioClip c : store.audio(run, tag, step)) {
      clips.add(new Responses.Clip(c.index(), c.contentType(), c.sampleRate(), c.channels(), c.frames(), c.seconds(),
          c.label(), c.label().isEmpty() ? "" : Markdown.toHtml(c.label())));
    }
    ctx.json(new Responses.Audio(run, tag, step, clips));
  }

  /** Text per step, as the raw strings and as safe HTML rendered from their Markdown. */
  private void text(Context ctx) {
    String run = run(ctx);
    String tag = tag(ctx);
    List<Responses.Text> steps = new ArrayList<>();
    for (TextStep t : store.text(run, tag)) {
      List<String> html = new ArrayList<>(t.text().size());
      for (String s : t.text()) {
        html.add(Markdown.toHtml(s));
      }
      steps.add(new Responses.Text(t.step(), t.wallTime(), t.text(), html));
    }
    ctx.json(new Responses.Texts(run, tag, steps));
  }

  /** A run's problems, or without {@code run} those of the log directories (folders that cannot be listed). */
  private void problems(Context ctx) {
    String run = ctx.queryParam("run") == null ? null : run(ctx);
    List<Responses.FileProblem> out = Responses.FileProblem.of(run == null ? store.logdirProblems() : store.problems(run));
    ctx.json(run == null ? new Responses.LogdirProblems(out) : new Responses.RunProblems(run, out));
  }
}
