package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.cli.InspectCommandTest.Run;
import dev.trainscope.data.S3Server;
import dev.trainscope.server.ServeProcessTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands over an s3:// log directory on a real S3 API (S3Proxy on loopback): {@code
 * inspect}, {@code inspect --runs} and {@code doctor} say what they say of the same folder on disk,
 * {@code serve} serves its runs (endpoint and keys from the environment variables, no region set),
 * errors name the bucket and key, and a URL scheme not read is refused with the ones read.
 */
class S3CommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Path FIXTURES = Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");
  static final Path LOCAL = FIXTURES.resolve("gen-tensorboardX");
  static final String URL = "s3://logs/team/gen-tensorboardX";

  @TempDir static Path dir;
  static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir.resolve("s3"));
    server.createBucket("logs");
    server.putTree(LOCAL, "logs", "team/gen-tensorboardX");
    server.put("logs", "team/", new byte[0]); // a folder marker, as a console makes
    // in this JVM the SDK's chain reads system properties, as it reads AWS_* variables in a process
    for (String[] p : server.systemProperties()) {
      System.setProperty(p[0], p[1]);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (String[] p : server.systemProperties()) {
      System.clearProperty(p[0]);
    }
    server.close();
  }

  @Test
  void inspectJson_bucket_sameAsTheFolder_withUrlsForPaths() throws Exception {
    Run local = InspectCommandTest.run("inspect", "--json", LOCAL.toString());
    Run s3 = InspectCommandTest.run("inspect", "--json", URL);
    assertEquals(local.status(), s3.status(), s3.err());
    assertTrue(local.out().contains("\"path\" : \"" + LOCAL + "/"), local.out());
    assertEquals(local.out().replace(LOCAL.toString(), URL), s3.out());
  }

  @Test
  void inspect_oneObject_readsThatFile() throws Exception {
    String file = "hparams/trial_0/events.out.tfevents.1795718565.vm";
    Run local = InspectCommandTest.run("inspect", LOCAL.resolve(file).toString());
    Run s3 = InspectCommandTest.run("inspect", URL + "/" + file);
    assertEquals(0, s3.status(), s3.err());
    assertEquals(local.out().replace(LOCAL.toString(), URL), s3.out());
  }

  @Test
  void inspectRunsJson_bucket_sameAsTheFolder() {
    Run local = InspectCommandTest.run("inspect", "--runs", "--json", LOCAL.toString());
    Run s3 = InspectCommandTest.run("inspect", "--runs", "--json", URL + "/");
    assertEquals(local.status(), s3.status(), s3.err());
    assertEquals(local.out(), s3.out());
    assertEquals("", s3.err());
  }

  @Test
  void doctor_bucket_sameAsTheFolder() {
    Run local = InspectCommandTest.run("doctor", LOCAL.toString());
    Run s3 = InspectCommandTest.run("doctor", URL);
    assertEquals(local.status(), s3.status(), s3.err());
    assertEquals(local.out(), s3.out());
  }

  @Test
  void missingBucket_eachCommandNamesIt() {
    Run r = InspectCommandTest.run("inspect", "s3://no-such-bucket/logs");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("s3://no-such-bucket/logs") && r.err().contains("bucket 'no-such-bucket' does not exist"),
        r.err());
    r = InspectCommandTest.run("inspect", "--runs", "s3://no-such-bucket/logs");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("bucket 'no-such-bucket' does not exist"), r.err());
    r = InspectCommandTest.run("doctor", "s3://no-such-bucket/logs");
    assertEquals(3, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("bucket 'no-such-bucket' does not exist"), r.out());
  }

  @Test
  void wrongSecret_accessDeniedWithTheUrl() {
    System.setProperty("aws.secretAccessKey", "not-the-secret");
    try {
      Run r = InspectCommandTest.run("inspect", URL);
      assertEquals(2, r.status());
      assertTrue(r.err().contains(URL) && r.err().contains("access denied") && r.err().contains("403"), r.err());
      r = InspectCommandTest.run("inspect", "--runs", URL);
      assertEquals(1, r.status());
      assertTrue(r.err().contains(URL) && r.err().contains("access denied"), r.err());
    } finally {
      System.setProperty("aws.secretAccessKey", S3Server.SECRET);
    }
  }

  @Test
  void schemeNotRead_refusedNamingTheSchemesRead_neverALocalPath() {
    for (String[] args : List.of(new String[] {"inspect", "gs://x"}, new String[] {"inspect", "--runs", "gs://x/logs"},
        new String[] {"doctor", "hdfs://namenode/logs"}, new String[] {"serve", "--logdir", "gs://x", "--port", "0"},
        new String[] {"serve", "--logdir_spec", "a:gs://x", "--port", "0"})) {
      Run r = InspectCommandTest.run(args);
      assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().contains("does not read") && r.err().contains("s3://BUCKET/PREFIX")
          && !r.err().contains("no such file"), r.err());
    }
  }

  /** {@code serve --logdir s3://...} as a process, configured by the AWS_* variables only. */
  static Process serve(String secret, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.trainscope.cli.Main", "serve", "--logdir", URL, "--port", "0", "--reload_interval", "1");
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("S3_"));
    pb.environment().put("AWS_ENDPOINT_URL", server.endpoint().toString());
    pb.environment().put("AWS_EC2_METADATA_DISABLED", "true"); // loopback only, whatever the chain does
    pb.environment().put("AWS_ACCESS_KEY_ID", S3Server.IDENTITY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", secret);
    pb.environment().put("AWS_CONFIG_FILE", dir.resolve("no-config").toString()); // no region anywhere
    pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** Polls until {@code done} holds of /api/runs, for at most 60 s. */
  static JsonNode awaitRuns(int port, java.util.function.Predicate<JsonNode> done) throws Exception {
    long until = System.nanoTime() + 60_000_000_000L;
    JsonNode runs = get(port, "/api/runs");
    while (!done.test(runs) && System.nanoTime() < until) {
      Thread.sleep(100);
      runs = get(port, "/api/runs");
    }
    return runs;
  }

  @Test
  void serve_bucket_servesItsRuns_andSaysWhatItCannotRead() throws Exception {
    Run local = InspectCommandTest.run("inspect", "--runs", "--json", LOCAL.toString());
    List<String> expected = new ArrayList<>();
    JSON.readTree(local.out()).get("runs").fieldNames().forEachRemaining(expected::add);
    Process good = serve(S3Server.SECRET, dir.resolve("good.log"));
    Process denied = serve("not-the-secret", dir.resolve("denied.log"));
    try {
      int port = ServeProcessTest.port(good, dir.resolve("good.log"));
      JsonNode runs = awaitRuns(port, r -> r.get("progress").get("firstPollDone").asBoolean()
          && r.get("progress").get("runsLoaded").asInt() == expected.size()
          && r.get("progress").get("bytesRead").asLong() == r.get("progress").get("bytesKnown").asLong());
      List<String> names = new ArrayList<>();
      runs.get("runs").forEach(r -> names.add(r.get("name").asText()));
      assertEquals(expected, names, Files.readString(dir.resolve("good.log")));
      assertEquals(0, runs.get("progress").get("problems").size());
      JsonNode tags = get(port, "/api/tags?run=hparams/trial_0");
      assertEquals(JSON.readTree(local.out()).get("runs").get("hparams/trial_0").get("tags").size(), tags.get("tags").size(),
          tags.toString());

      int deniedPort = ServeProcessTest.port(denied, dir.resolve("denied.log"));
      JsonNode progress = awaitRuns(deniedPort, r -> r.get("progress").get("problems").size() > 0).get("progress");
      JsonNode problem = progress.get("problems").get(0);
      assertEquals(URL, problem.get("file").asText());
      assertTrue(problem.get("message").asText().contains("access denied"), problem.toString());
    } finally {
      for (Process p : List.of(good, denied)) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
