package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainscope serve} as a real process: how it starts on a busy port, and how it stops. */
public class ServeProcessTest {

  static Process serve(Path logdir, Path log, String port, String... more) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "dev.trainscope.cli.Main", "serve", "--logdir", logdir.toString(), "--port", port, "--reload_interval", "3600"));
    command.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  /** The port the server prints once it listens. */
  public static int port(Process p, Path log) throws Exception {
    return Integer.parseInt(printed(p, log, Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/")).group(1));
  }

  /** What the server prints once it listens, matched. */
  static Matcher printed(Process p, Path log, Pattern at) throws Exception {
    long until = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < until && p.isAlive()) {
      Matcher m = at.matcher(Files.readString(log));
      if (m.find()) {
        return m;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the server did not start: " + Files.readString(log));
  }

  /**
   * {@code --bind_all}: the address printed holds a fresh token and the prefix, as Jupyter's does,
   * and the server asks for the token; on loopback (the other tests) it asks for none.
   */
  @Test
  void bindAll_printsTheAddressWithAToken_andAsksForIt(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("serve.log");
    Process p = serve(Served.testdata().resolve("gen-tensorboardX"), log, "0", "--bind_all", "--path_prefix", "/tb/");
    try {
      Matcher m = printed(p, log, Pattern.compile("at http://localhost:(\\d+)/tb/\\?token=([A-Za-z0-9_-]{32})  \\(Ctrl-C"));
      String base = "http://127.0.0.1:" + m.group(1);
      assertEquals(401, Requests.get(base + "/tb/api/runs").statusCode());
      assertEquals(401, Requests.get(base + "/tb/").statusCode());
      assertEquals(200, Requests.get(base + "/tb/api/runs", "Authorization", "Bearer " + m.group(2)).statusCode());
      assertEquals(303, Requests.get(base + "/tb/?token=" + m.group(2)).statusCode());
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * {@code serve --role/--threshold} as {@code doctor} takes them: the Findings tab reads a tag the
   * user named, with the user's thresholds; a bad threshold stops the server before it listens.
   */
  @Test
  void roleAndThreshold_reachTheFindingsTab(@TempDir Path dir) throws Exception {
    Path logdir = dir.resolve("logs");
    try (dev.trainscope.writer.SummaryWriter w = dev.trainscope.writer.SummaryWriter.create(logdir.resolve("run"))) {
      for (long s = 0; s < 100; s++) {
        w.scalar("objective_value", 2.3 * Math.exp(-s / 30.0) + 0.05, s);
      }
    }
    Path log = dir.resolve("serve.log");
    Process p = serve(logdir, log, "0", "--role", "objective_value=loss", "--threshold", "stall.lossImprovement=0.5");
    try {
      String base = "http://127.0.0.1:" + port(p, log);
      java.net.http.HttpResponse<String> r = Requests.get(base + "/api/explain?run=run");
      for (long until = System.nanoTime() + 30_000_000_000L;
          (r.statusCode() == 404 || r.body().contains("\"roles\":[]")) && System.nanoTime() < until; ) {
        // the store loads after the server listens, the run is known before its values are read,
        // and the findings follow the values: wait until the run's tags have been read as roles
        Thread.sleep(100);
        r = Requests.get(base + "/api/explain?run=run");
      }
      String explained = r.body();
      assertTrue(explained.contains("\"tag\":\"objective_value\",\"role\":\"loss\""), explained);
      assertTrue(explained.contains("\"source\":\"override\""), explained);
    } finally {
      p.destroyForcibly();
    }
    Process bad = serve(logdir, log, "0", "--threshold", "no.such=1");
    assertTrue(bad.waitFor(30, TimeUnit.SECONDS), "a bad threshold ends serve");
    assertEquals(2, bad.exitValue());
    assertTrue(Files.readString(log).contains("trainscope serve: ") && Files.readString(log).contains("no.such"),
        Files.readString(log));
  }

  /**
   * SIGTERM while four big layouts with different open scopes run, and a browser listens for live
   * updates: the process is gone within 5 s.
   */
  @Test
  void sigterm_duringBigLayouts_exitsWithinSeconds(@TempDir Path dir) throws Exception {
    Path logdir = dir.resolve("logs");
    HostileRequestsTest.graphRun(logdir, 600, 10);
    Path log = dir.resolve("serve.log");
    Process p = serve(logdir, log, "0");
    List<Socket> clients = new ArrayList<>();
    try {
      int port = port(p, log);
      for (String open : List.of("\"all\":true", "\"expand\":[\"block1\"]", "\"expand\":[\"block2\",\"block3\"]",
          "\"expand\":[\"block4\"]")) {
        String body = "{\"run\":\"run\",\"source\":\"run_graph\"," + open + "}";
        clients.add(HostileRequestsTest.send(port, "POST", "/api/graph",
            "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n", body));
      }
      clients.add(HostileRequestsTest.send(port, "GET", "/api/events", "", ""));
      Thread.sleep(1500); // the layouts are under way (the biggest takes tens of seconds here)
      assertTrue(p.isAlive(), Files.readString(log));
      long t0 = System.nanoTime();
      p.destroy(); // SIGTERM
      boolean exited = p.waitFor(5, TimeUnit.SECONDS);
      assertTrue(exited, "still running 5 s after SIGTERM: " + Files.readString(log));
      assertTrue(System.nanoTime() - t0 < 5e9);
    } finally {
      for (Socket s : clients) {
        s.close();
      }
      p.destroyForcibly();
    }
  }

  /** A port in use: one clear line, no stack trace from the web framework first. */
  @Test
  void busyPort_saysSoInOneLine_withoutAStackTrace(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path log = dir.resolve("serve.log");
      Process p = serve(dir, log, Integer.toString(taken.getLocalPort()));
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue());
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(out.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()) && out.contains("--port 0"), out);
      assertFalse(out.contains("Exception") || out.contains("\tat ") || out.contains("ERROR"), out);
    }
  }
}
