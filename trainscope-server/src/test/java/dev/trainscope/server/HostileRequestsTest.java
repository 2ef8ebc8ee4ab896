package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.writer.SummaryWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests meant to exhaust the server (issue 17, items 4 and 5), sent over raw sockets as an
 * attacker would: bodies too big, slow or of the wrong type; graph views too big, too slow, left
 * behind, or asked for many times at once; and hundreds of clients trickling bodies in.
 */
class HostileRequestsTest {
  static final String VIEW_ALL = "{\"run\":\"run\",\"source\":\"run_graph\",\"all\":true}";

  /** A run whose graph has {@code scopes} scopes of {@code ops} ops each, chained, with a skip edge per scope. */
  static void graphRun(Path logdir, int scopes, int ops) throws IOException {
    List<NodeDef> nodes = new ArrayList<>();
    String prev = null;
    for (int s = 0; s < scopes; s++) {
      for (int o = 0; o < ops; o++) {
        String name = "block" + s + "/op" + o;
        List<String> in = new ArrayList<>();
        if (prev != null) {
          in.add(prev);
        }
        if (o == ops - 1 && s > 0) {
          in.add("block" + (s - 1) + "/op0");
        }
        nodes.add(new NodeDef(name, o % 3 == 0 ? "Conv2D" : "Relu", in, "", Map.of()));
        prev = name;
      }
    }
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("run"))) {
      log.graph(new GraphDefProto(nodes, 0, List.of()));
    }
  }

  static DashboardServer serve(RunStore store, long layoutMillis) throws InterruptedException {
    store.reload();
    DashboardServer server = new DashboardServer(store, 100, Map.of(), layoutMillis);
    server.start("127.0.0.1", 0);
    return server;
  }

  interface WithServer {
    void run(DashboardServer server) throws Exception;
  }

  /** Runs {@code body} against a server over {@code logdir} whose layouts may take {@code layoutMillis}. */
  static void served(Path logdir, long layoutMillis, WithServer body) throws Exception {
    try (RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build()) {
      DashboardServer server = serve(store, layoutMillis);
      try {
        body.run(server);
      } finally {
        server.close();
      }
    }
  }

  /** Opens a connection and sends a request's head and the first {@code body} bytes of its body. */
  static Socket send(int port, String method, String path, String headers, String body) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + headers + "\r\n" + body)
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
    return s;
  }

  /** The whole answer, until the server closes the connection or sends what it declared. */
  static String answer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] all = in.readAllBytes();
    return new String(all, StandardCharsets.UTF_8);
  }

  static String post(int port, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = send(port, "POST", "/api/graph", "Content-Type: " + type + "\r\nContent-Length: " + b.length
        + "\r\nConnection: close\r\n", body)) {
      s.setSoTimeout(60_000);
      return answer(s);
    }
  }

  @Test
  void graphPost_notJson_is415_soOtherSitesCannotSendIt(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 2, 3);
    served(logdir, 20_000, server -> {
      String r = post(server.port(), "text/plain", "{\"run\":\"run\",\"source\":\"run_graph\"}");
      assertTrue(r.startsWith("HTTP/1.1 415"), r);
      assertTrue(r.contains("application/json"), r);
      assertTrue(post(server.port(), "application/json; charset=utf-8", "{\"run\":\"run\",\"source\":\"run_graph\"}")
          .startsWith("HTTP/1.1 200"));
    });
  }

  @Test
  void graphPost_declaring100MB_isRefusedAtOnce_andChunkedWithoutLength_is411(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 2, 3);
    served(logdir, 20_000, server -> {
      long t0 = System.nanoTime();
      try (Socket s = send(server.port(), "POST", "/api/graph",
          "Content-Type: application/json\r\nContent-Length: 100000000\r\n", "{")) {
        s.setSoTimeout(3000);
        String r = answer(s);
        assertTrue(r.startsWith("HTTP/1.1 413"), r);
        assertTrue(r.contains("100000000 bytes"), r);
      }
      assertTrue(System.nanoTime() - t0 < 3e9, "answered without waiting for the body");
      try (Socket s = send(server.port(), "POST", "/api/graph",
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "1\r\n{\r\n")) {
        s.setSoTimeout(3000);
        String r = answer(s);
        assertTrue(r.startsWith("HTTP/1.1 411"), r);
      }
    });
  }

  @Test
  void graphView_tooManyBoxes_is422_tellingToOpenFewerScopes(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 900, 10); // all open: 9,000 ops and 900 scopes
    served(logdir, 20_000, server -> {
      String r = post(server.port(), "application/json", VIEW_ALL);
      assertTrue(r.startsWith("HTTP/1.1 422"), r);
      assertTrue(r.contains("9,900 boxes") && r.contains("open fewer scopes"), r);
      assertEquals(0, server.graphs().layoutsStarted.get(), "refused before any layout");
      String small = post(server.port(), "application/json", "{\"run\":\"run\",\"source\":\"run_graph\",\"expand\":[\"block1\"]}");
      assertTrue(small.startsWith("HTTP/1.1 200"), "a view of 911 boxes is laid out");
    });
  }

  @Test
  void graphView_pastTheTimeLimit_is503_andTheLayoutStops(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 500, 10);
    served(logdir, 300, server -> {
      long t0 = System.nanoTime();
      String r = post(server.port(), "application/json", VIEW_ALL);
      assertTrue(r.startsWith("HTTP/1.1 503"), r);
      assertTrue(r.contains("took more than 1 s") && r.contains("open fewer scopes") && r.contains("Retry-After"), r);
      assertTrue(System.nanoTime() - t0 < 10e9, "stopped soon after its limit: " + (System.nanoTime() - t0) / 1e9 + " s");
      waitFor(() -> server.graphs().layoutsStopped.get() == 1, "the layout stopped");
    });
  }

  @Test
  void graphView_clientGone_stopsTheLayout(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 500, 10);
    served(logdir, 120_000, server -> {
      byte[] b = VIEW_ALL.getBytes(StandardCharsets.UTF_8);
      Socket s = send(server.port(), "POST", "/api/graph", "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n",
          VIEW_ALL);
      waitFor(() -> server.graphs().layoutsStarted.get() == 1, "the layout started");
      s.close();
      long t0 = System.nanoTime();
      waitFor(() -> server.graphs().layoutsStopped.get() == 1, "the layout stopped after its client left");
      assertTrue(System.nanoTime() - t0 < 15e9);
    });
  }

  @Test
  void graphView_identicalRequestsUnderWay_shareOneLayout(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 40, 10);
    served(logdir, 120_000, server -> {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            return post(server.port(), "application/json", VIEW_ALL);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
      }
      List<String> bodies = new ArrayList<>();
      for (CompletableFuture<String> a : answers) {
        String r = a.get();
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        bodies.add(r.substring(r.indexOf("\r\n\r\n")));
      }
      assertEquals(1, server.graphs().layoutsStarted.get(), "one layout for three requests");
      assertEquals(bodies.get(0), bodies.get(1));
      assertEquals(bodies.get(0), bodies.get(2));
    });
  }

  /**
   * 300 clients (more than Jetty's 250 threads) trickle request bodies a byte a second: half
   * declaring 100 MB, half a body the server takes. Every other request is still answered at once,
   * and every trickling client is answered (refused) within seconds.
   */
  @Test
  void slowClients_300TricklingBodies_doNotStarveOtherRequests(@TempDir Path logdir) throws Exception {
    graphRun(logdir, 2, 3);
    List<Socket> slow = new ArrayList<>();
    served(logdir, 20_000, server -> {
      for (int i = 0; i < 300; i++) {
        long declared = i % 2 == 0 ? 100_000_000L : 60_000L;
        slow.add(send(server.port(), "POST", "/api/graph", "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n", "["));
      }
      long until = System.nanoTime() + 6_000_000_000L;
      int answered = 0;
      while (System.nanoTime() < until) {
        for (Socket s : slow) {
          trickle(s);
        }
        long t0 = System.nanoTime();
        try (Socket s = send(server.port(), "GET", "/api/runs", "Connection: close\r\n", "")) {
          s.setSoTimeout(2000);
          String r = answer(s);
          assertTrue(r.startsWith("HTTP/1.1 200"), r);
        } catch (SocketTimeoutException e) {
          throw new AssertionError("a normal request waited more than 2 s behind the slow clients", e);
        }
        assertTrue(System.nanoTime() - t0 < 2e9);
        answered++;
        Thread.sleep(500);
      }
      assertTrue(answered >= 5, "answered " + answered);
      int refused = 0;
      for (Socket s : slow) {
        s.setSoTimeout(5000);
        String r = answer(s);
        assertTrue(r.startsWith("HTTP/1.1 4") || r.startsWith("HTTP/1.1 5") || r.isEmpty(), r);
        refused++;
      }
      assertEquals(300, refused);
      for (Socket s : slow) {
        s.close();
      }
    });
  }

  private static void trickle(Socket s) {
    try {
      s.getOutputStream().write(' ');
      s.getOutputStream().flush();
    } catch (IOException e) {
      // the server has dropped it: as it should
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
