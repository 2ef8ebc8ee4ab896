package dev.trainscope.server;

import dev.trainscope.data.LogdirData;
import dev.trainscope.data.NoSuchRunException;
import dev.trainscope.data.NoSuchTagException;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.FindingsService;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The dashboard: the JSON API ({@link Api}), live updates ({@link LiveEvents}) and the browser
 * app (plain ES modules under {@code /web} in the jar, uPlot from its WebJar), on Javalin.
 *
 * <p>Every response carries headers that keep content from files out of the page's powers: a
 * content security policy that allows scripts only from this server (no inline scripts, no
 * eval), {@code nosniff}, and no framing; blobs are sandboxed and served inline only as media
 * sniffed from their bytes. Requests are answered only for host names the server is meant to be
 * reached by ({@link AllowedHosts}), against DNS rebinding, the API only to the dashboard's own
 * pages ({@link SameOrigin}: no CORS), and, when the server is shared, only with its access token
 * ({@link TokenGate}). Everything is served under a {@link PathPrefix} (the root by default), for
 * a reverse proxy. The API takes run and tag names, never paths: nothing but the log directory's
 * event files, through the store, is read.
 */
public final class DashboardServer implements AutoCloseable {
  /** A request whose Host header names a host this server does not answer to. */
  static final class ForbiddenHost extends RuntimeException {
    ForbiddenHost(String host) {
      super("Trainscope does not answer to the host name '" + Params.shorten(host.replaceAll("\\p{Cntrl}", "?"))
          + "' (a guard against DNS rebinding). If you reach this server by that name, start it with --allowed_hosts "
          + "NAME (or --allowed_hosts '*' behind a proxy that checks names).");
    }
  }

  /**
   * The page's one inline script is index.html's import map (three.js's modules import the bare
   * name 'three'; its addresses start with "./", as an import map needs for a relative URL), allowed
   * by its SHA-256 and nothing else inline.
   */
  static final String IMPORT_MAP_HASH = "'sha256-mmrGvH2AwD2A+nSP2WUSAHPRRC7VOlXmerG4jNhLZsA='";
  static final String CSP = "default-src 'self'; script-src 'self' " + IMPORT_MAP_HASH + "; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
      + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** A request body (a graph view's open scopes) may hold at most this many bytes. */
  static final long MAX_BODY = 1 << 20;
  /**
   * A request body must arrive at least this fast, in bytes per second (Jetty's minimum request
   * data rate): a client that trickles a body in is dropped with 408 instead of holding a thread.
   */
  static final long MIN_BODY_RATE = 1024;
  /** The request line and headers may hold this much. */
  static final int REQUEST_HEAD_BYTES = 32 * 1024;
  /** A connection that sends and receives nothing for this long is closed. */
  static final long IDLE_MILLIS = 30_000;

  private final LogdirData store;
  private final Javalin app;
  private final GraphService graphs;
  private final Api api;
  private String bindHost = "127.0.0.1";
  private int bindPort;
  private final LiveEvents live;
  private final FindingsService findings;
  /** Who the server answers to; set by {@link #start}, loopback only until then. */
  private volatile AllowedHosts hosts = AllowedHosts.forBinding("127.0.0.1", java.util.List.of());

  public DashboardServer(LogdirData store) {
    this(store, 500, Map.of());
  }

  /** With model files (ONNX, GraphDef) given by name, shown in the Graph tab beside the runs' graphs. */
  public DashboardServer(LogdirData store, Map<String, Path> models) {
    this(store, 500, models);
  }

  /**
   * With model files, served under {@code prefix} (every page, asset, API and event-stream
   * address) to those {@code access} lets in.
   */
  public DashboardServer(LogdirData store, Map<String, Path> models, PathPrefix prefix, Access access) {
    this(store, 500, models, GraphService.DEFAULT_LAYOUT_MILLIS, prefix, access);
  }

  DashboardServer(LogdirData store, long livePeriodMillis) {
    this(store, livePeriodMillis, Map.of());
  }

  DashboardServer(LogdirData store, long livePeriodMillis, Map<String, Path> models) {
    this(store, livePeriodMillis, models, GraphService.DEFAULT_LAYOUT_MILLIS);
  }

  DashboardServer(LogdirData store, long livePeriodMillis, Map<String, Path> models, long layoutMillis) {
    this(store, livePeriodMillis, models, layoutMillis, PathPrefix.ROOT, Access.open());
  }

  DashboardServer(LogdirData store, long livePeriodMillis, Map<String, Path> models, long layoutMillis, PathPrefix prefix,
      Access access) {
    this(store, livePeriodMillis, models, layoutMillis, prefix, access, Doctor.defaults());
  }

  /**
   * A server whose Findings tab diagnoses with {@code doctor} (the roles and thresholds that {@code
   * serve --role/--threshold} gave, as {@code doctor} takes them).
   */
  public DashboardServer(LogdirData store, Map<String, Path> models, PathPrefix prefix, Access access, Doctor doctor) {
    this(store, 500, models, GraphService.DEFAULT_LAYOUT_MILLIS, prefix, access, doctor);
  }

  DashboardServer(LogdirData store, long livePeriodMillis, Map<String, Path> models, long layoutMillis, PathPrefix prefix,
      Access access, Doctor doctor) {
    this.store = store;
    TokenGate gate = access instanceof AccessToken token ? new TokenGate(token, prefix) : null;
    this.live = new LiveEvents(store, livePeriodMillis);
    this.findings = new FindingsService(store, doctor, Math.max(livePeriodMillis, 1000));
    findings.onChange(live::findingsChanged);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.router.contextPath = prefix.equals(PathPrefix.ROOT) ? "/" : prefix.path();
      if (!prefix.equals(PathPrefix.ROOT)) {
        config.jetty.modifyServer(server -> server.insertHandler(new OutsidePrefix(prefix)));
      }
      config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      config.staticFiles.add(s -> {
        s.hostedPath = "/";
        s.directory = "/web";
        s.location = Location.CLASSPATH;
        s.precompress = false;
      });
      config.staticFiles.enableWebjars();
      // no ETags on API answers: Javalin would checksum every response body (a fifth of a scalar
      // query's CPU under load) to spare a poll that nearly always changes; static files keep theirs
      config.http.generateEtags = false;
      config.http.maxRequestSize = MAX_BODY;
      config.jetty.modifyHttpConfiguration(http -> {
        http.setMinRequestDataRate(MIN_BODY_RATE);
        // a run name (a path, up to 4,096 bytes) and a tag (up to 1,024 characters) URL-encoded
        http.setRequestHeaderSize(REQUEST_HEAD_BYTES);
      });
      config.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(bindHost);
        c.setPort(bindPort);
        c.setIdleTimeout(IDLE_MILLIS);
        return c;
      });
    });
    dev.trainscope.diagnose.Roles roles = dev.trainscope.diagnose.Roles.defaults();
    this.graphs = new GraphService(store, findings, roles, models, layoutMillis);
    this.api = new Api(store, findings, roles, graphs);
    api.register(app);
    app.sse("/api/events", live::connect);
    app.before(ctx -> {
      String host = ctx.header("Host");
      if (!hosts.allows(host)) {
        throw new ForbiddenHost(host);
      }
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("X-Frame-Options", "DENY");
      ctx.header("Referrer-Policy", "no-referrer");
      ctx.header("Content-Security-Policy", CSP);
      // the path as Javalin routes it: below the prefix, as the browser sent it
      boolean api = ctx.path().substring(ctx.contextPath().length()).startsWith("/api/");
      String otherOrigin = SameOrigin.refusal(ctx.method().name(), api, host, ctx.header("Origin"),
          ctx.header("Sec-Fetch-Site"));
      if (otherOrigin != null) {
        throw new Refused(403, otherOrigin);
      }
      if (gate != null && gate.answered(ctx, api)) {
        ctx.skipRemainingHandlers();
      }
    });
    app.exception(ForbiddenHost.class, (e, ctx) -> ctx.status(403).contentType("text/plain; charset=utf-8").result(e.getMessage()));
    if (gate != null) {
      app.exception(TokenGate.Unauthorized.class, gate::refuse);
    }
    app.exception(Refused.class, (e, ctx) -> {
      if (e.status == 503) {
        ctx.header("Retry-After", "5");
      }
      ctx.status(e.status).contentType("text/plain; charset=utf-8").result(e.getMessage());
    });
    app.exception(BadRequest.class, (e, ctx) -> ctx.status(400).contentType("text/plain; charset=utf-8").result(e.getMessage()));
    app.exception(IllegalArgumentException.class,
        (e, ctx) -> ctx.status(400).contentType("text/plain; charset=utf-8").result(e.getMessage()));
    app.exception(NoSuchRunException.class, (e, ctx) -> ctx.status(404).contentType("text/plain; charset=utf-8").result(e.getMessage()));
    app.exception(NoSuchTagException.class, (e, ctx) -> ctx.status(404).contentType("text/plain; charset=utf-8").result(e.getMessage()));
    app.exception(IOException.class, (e, ctx) -> ctx.status(500).contentType("text/plain; charset=utf-8")
        .result("reading the event file failed: " + e.getMessage()));
    app.exception(UncheckedIOException.class, (e, ctx) -> ctx.status(500).contentType("text/plain; charset=utf-8")
        .result("reading the event file failed: " + e.getCause().getMessage()));
  }

  /**
   * Starts listening; port 0 picks a free port. Returns the port. Requests are answered only when
   * their {@code Host} header is a loopback name, an address, {@code host} itself (or, when {@code
   * host} is every interface, this machine's names) or one of {@code allowedHosts} ({@code "*"}
   * for any): the guard against DNS rebinding ({@link AllowedHosts}).
   */
  public int start(String host, int port, java.util.Collection<String> allowedHosts) {
    hosts = AllowedHosts.forBinding(host, allowedHosts);
    if (port != 0) {
      // a port in use is told here in one line; Javalin would log a stack trace before throwing
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new java.net.InetSocketAddress(host, port));
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
    }
    bindHost = host;
    bindPort = port;
    app.start(host, port);
    return app.port();
  }

  /** {@link #start(String, int, java.util.Collection)} with no host names allowed beyond the defaults. */
  public int start(String host, int port) {
    return start(host, port, java.util.List.of());
  }

  public int port() {
    return app.port();
  }

  GraphService graphs() {
    return graphs;
  }

  public LogdirData store() {
    return store;
  }

  @Override
  public void close() {
    graphs.close(); // layouts under way stop at their next phase
    api.close(); // so do projections
    findings.close();
    live.close();
    app.stop();
  }
}
