package dev.trainscope.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked into an empty folder and run through {@code
 * bin/trainscope} with nothing in the environment but a PATH to this JDK and a HOME, so it works
 * without Maven, the checkout or its {@code target/} folders.
 */
class DistArchiveTest {
  @TempDir
  static Path unpacked;

  static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("trainscope.archive"));
    assertTrue(Files.isRegularFile(archive), "mvn package builds " + archive);
    Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", unpacked.toString())
        .redirectErrorStream(true).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar: " + out);
    home = unpacked.resolve("trainscope-" + System.getProperty("trainscope.version"));
  }

  /** Only a JDK on the PATH, an empty HOME, and the launcher's archives in a folder of the test's. */
  private static ProcessBuilder launcher(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/trainscope").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    Path userHome = Files.createDirectories(unpacked.resolve("home"));
    env.put("HOME", userHome.toString());
    env.put("TRAINSCOPE_CACHE", userHome.resolve("cds").toString());
    return pb;
  }

  private static String run(Path log, int expectedStatus, String... args) throws Exception {
    Process p = launcher(log, args).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/trainscope did not end: " + Files.readString(log));
    String out = Files.readString(log);
    assertEquals(expectedStatus, p.exitValue(), out);
    return out;
  }

  private static Set<String> jars(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).collect(Collectors.toSet());
    }
  }

  /** A jar's artifact, without its version: {@code guava-33.4.0-jre.jar} is {@code guava}. */
  private static String artifact(String jar) {
    return jar.replaceFirst("-\\d.*$", "").replaceFirst("\\.jar$", "");
  }

  @Test
  void layout_launchers_licences_andNoPytorchForTheDashboard() throws Exception {
    assertTrue(Files.isExecutable(home.resolve("bin/trainscope")));
    assertTrue(Files.readString(home.resolve("bin/trainscope.bat")).contains("dev.trainscope.cli.Main"));
    assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));
    String notice = Files.readString(home.resolve("NOTICE"));
    assertTrue(notice.contains("io.javalin:javalin") && notice.contains("ai.djl:api"), notice);
    assertTrue(Files.isRegularFile(home.resolve("README.md")));
    Set<String> lib = jars(home.resolve("lib"));
    Set<String> demo = jars(home.resolve("lib/demo"));
    assertTrue(lib.contains("trainscope.jar") && lib.stream().anyMatch(j -> j.startsWith("javalin-")), lib.toString());
    assertFalse(lib.stream().anyMatch(j -> j.contains("pytorch") || j.startsWith("api-") || j.startsWith("trainscope-djl")
        || j.startsWith("trainscope-demo")), "the dashboard's lib/ holds no DJL or PyTorch: " + lib);
    assertTrue(demo.stream().anyMatch(j -> j.startsWith("pytorch-native-cpu")) && demo.stream()
        .anyMatch(j -> j.startsWith("trainscope-demo")), demo.toString());
    // lib/demo/ adds to lib/ (both are on the demo's class path): no library twice, in two versions
    Set<String> both = new HashSet<>(lib.stream().map(DistArchiveTest::artifact).toList());
    both.retainAll(demo.stream().map(DistArchiveTest::artifact).toList());
    assertEquals(Set.of(), both, "in lib/ and lib/demo/ both");
  }

  @Test
  void version_runsWithOnlyAJdkOnThePath() throws Exception {
    String out = run(unpacked.resolve("version.log"), 0, "--version");
    assertEquals("trainscope " + System.getProperty("trainscope.version"), out.strip());
  }

  /** serve starts without lib/demo/ on its class path, and answers /api/runs. */
  @Test
  void serve_answersApiRuns() throws Exception {
    Path log = unpacked.resolve("serve.log");
    Path logdir = Path.of(System.getProperty("trainscope.testdata")).resolve("tfevents/gen-tensorboardX");
    Process p = launcher(log, "serve", "--logdir", logdir.toString(), "--port", "0", "--reload_interval", "3600")
        .start();
    try {
      Pattern at = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
      String port = null;
      for (long until = System.nanoTime() + 60_000_000_000L; port == null && System.nanoTime() < until && p.isAlive(); ) {
        Matcher m = at.matcher(Files.readString(log));
        if (m.find()) {
          port = m.group(1);
        } else {
          Thread.sleep(50);
        }
      }
      assertTrue(port != null, "serve did not print its address: " + Files.readString(log));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/runs")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().startsWith("{\"runs\":[{\"name\":") && r.body().contains("\"progress\":{"), r.body());
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  /** Without lib/demo/, demo says what is missing (in a copy: the other tests keep theirs). */
  @Test
  void demo_withoutLibDemo_saysWhatIsMissing() throws Exception {
    Path copy = Files.createDirectories(unpacked.resolve("nodemo/bin"));
    Files.copy(home.resolve("bin/trainscope"), copy.resolve("trainscope"));
    Files.createDirectories(copy.resolveSibling("lib"));
    Process p = new ProcessBuilder(copy.resolve("trainscope").toString(), "demo").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("the demo needs") && out.contains("lib/demo"), out);
  }
}
