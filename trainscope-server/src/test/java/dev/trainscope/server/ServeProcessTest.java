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

  static Process serve(Path logdir, Path log, String port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "dev.trainscope.cli.Main", "serve", "--logdir", logdir.toString(), "--port", port, "--reload_interval", "3600");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  /** The port the server prints once it listens. */
  public static int port(Process p, Path log) throws Exception {
    Pattern at = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
    long until = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < until && p.isAlive()) {
      Matcher m = at.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the server did not start: " + Files.readString(log));
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
