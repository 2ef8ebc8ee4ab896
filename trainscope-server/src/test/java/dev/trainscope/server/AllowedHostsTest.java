package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedHostsTest {
  @Test
  void hostOf_stripsPortBracketsAndCase() {
    assertEquals("localhost", AllowedHosts.hostOf("LocalHost:6006"));
    assertEquals("::1", AllowedHosts.hostOf("[::1]:6006"));
    assertEquals("::1", AllowedHosts.hostOf("[::1]"));
    assertEquals("example.org", AllowedHosts.hostOf("example.org."));
    assertNull(AllowedHosts.hostOf("[::1"));
    assertNull(AllowedHosts.hostOf("[::1]x"));
    assertNull(AllowedHosts.hostOf("a:b:c"));
  }

  @Test
  void loopbackBinding_answersLoopbackNamesAndAddresses_notOtherNames() {
    AllowedHosts h = AllowedHosts.forBinding("127.0.0.1", List.of());
    for (String ok : List.of("localhost", "localhost:6006", "127.0.0.1:6006", "[::1]:6006", "app.localhost:1",
        "10.1.2.3:6006", "[fe80::1]")) {
      assertTrue(h.allows(ok), ok);
    }
    for (String bad : List.of("evil.example", "evil.example:6006", "localhost.evil.example", "127.0.0.1.nip.io",
        "[::1", "a:b:c")) {
      assertFalse(h.allows(bad), bad);
    }
  }

  @Test
  void namedBinding_andAllowedNames_areAnswered() {
    AllowedHosts h = AllowedHosts.forBinding("box.lan", List.of("Board.Example.org", " tb.example.org. "));
    assertTrue(h.allows("box.lan:6006"));
    assertTrue(h.allows("board.example.org"));
    assertTrue(h.allows("TB.example.org:443"));
    assertFalse(h.allows("other.example.org"));
    assertTrue(AllowedHosts.forBinding("127.0.0.1", List.of("*")).allows("anything.example"));
  }

  @Test
  void everyInterface_answersThisMachinesName() throws Exception {
    String name = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    AllowedHosts all = AllowedHosts.forBinding("0.0.0.0", List.of());
    assertTrue(all.allows(name + ":6006"), name + " in " + all.names());
    assertFalse(all.allows("evil.example"));
    assertFalse(AllowedHosts.forBinding("127.0.0.1", List.of()).allows(name.contains(".") || name.equals("localhost")
        ? "evil.example" : name), "a loopback server does not answer to the machine's name");
  }

  /** Over a raw socket, since HTTP clients will not send a Host header they were not asked to. */
  @Test
  void server_refusesForeignHost_on_everyPath(@TempDir Path logdir) throws Exception {
    try (var store = dev.trainscope.data.RunStore.builder().logdir(logdir).reloadInterval(java.time.Duration.ZERO).build();
        var server = new DashboardServer(store)) {
      int port = server.start("127.0.0.1", 0);
      for (String path : List.of("/", "/index.html", "/js/main.js", "/api/runs", "/api/events", "/nope")) {
        String refused = request(port, path, "evil.example:" + port);
        assertTrue(refused.startsWith("HTTP/1.1 403"), path + ": " + refused);
        assertTrue(refused.contains("'evil.example:" + port + "'") && refused.contains("--allowed_hosts"), refused);
      }
      assertTrue(request(port, "/api/runs", "localhost:" + port).startsWith("HTTP/1.1 200"));
      assertTrue(request(port, "/", "127.0.0.1:" + port).startsWith("HTTP/1.1 200"));
    }
  }

  static String request(int port, String path, String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.readNBytes(buf, 0, buf.length);
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
  }
}
