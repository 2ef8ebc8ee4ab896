package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.Problem;
import dev.trainscope.events.proto.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run store over a bucket of a real S3 API (S3Proxy on loopback): the 112 real event files of
 * ../shared read exactly as from disk, live tailing of objects re-uploaded larger, runs deleted
 * and made again, denied access and missing buckets reported with the URL, and throttling
 * outlasted with nothing lost.
 */
class S3RunStoreTest {
  @TempDir static Path dir;
  static S3Server server;
  static Path shared;
  static List<String> fromDisk;
  static List<String> fromDiskInMemory;

  @BeforeAll
  static void start() throws Exception {
    shared = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/tfevents");
    // no skipping: this is the proof that a bucket reads as a folder does
    assertTrue(Files.isDirectory(shared), "the real event files are needed at " + shared.toAbsolutePath()
        + " (CI has ../shared beside the checkout; -Dtrainscope.shared=DIR points elsewhere)");
    server = S3Server.start(dir.resolve("s3"));
    server.createBucket("shared");
    server.putTree(shared, "shared", "runs/tfevents");
    server.createBucket("live");
    try (RunStore local = RunStore.builder().logdir(shared).reloadInterval(Duration.ZERO).build()) {
      local.reload();
      fromDisk = StoreDump.of(local);
      fromDiskInMemory = StoreDump.of(local, false);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static RunStore store(String url, S3Settings settings) {
    return RunStore.builder().source("", new S3Storage(S3Location.parse(url), settings)).reloadInterval(Duration.ZERO)
        .build();
  }

  @Test
  void sharedEventFiles_inABucket_readExactlyAsFromDisk() throws Exception {
    assertEquals(112, countEventFiles(), "event files in " + shared);
    try (RunStore s3 = store("s3://shared/runs/tfevents", server.settings())) {
      s3.reload();
      assertTrue(s3.runs().size() > 20, "runs: " + s3.runs().size());
      assertEquals(fromDisk, StoreDump.of(s3));
      assertEquals(List.of(), s3.logdirProblems());
      assertTrue(s3.progress().done(), s3.progress().toString());
    }
  }

  static long countEventFiles() throws Exception {
    try (var s = Files.walk(shared)) {
      return s.filter(p -> p.getFileName().toString().contains("tfevents") && Files.isRegularFile(p)).count();
    }
  }

  @Test
  void throttledDuringTheFirstLoad_retriedWithBackoff_nothingLost() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(server.endpoint());
        RunStore s3 = store("s3://shared/runs/tfevents", S3Server.settings(proxy.endpoint(), S3Server.SECRET))) {
      proxy.throttleFor(1500);
      s3.reload();
      assertTrue(proxy.refused() > 0, "the proxy answered 503 SlowDown");
      if (!fromDisk.equals(StoreDump.of(s3))) {
        s3.reload(); // a read that outlasted its retries is tried again at the next poll, as the store promises
      }
      assertEquals(fromDisk, StoreDump.of(s3));
    }
  }

  @Test
  void listingFailsAfterALoad_runsKeptWithTheirData_problemNamesTheUrl_clearedWhenItWorksAgain() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(server.endpoint());
        RunStore s3 = store("s3://shared/runs/tfevents", S3Server.settings(proxy.endpoint(), S3Server.SECRET)
            .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(20)))) {
      s3.reload();
      assertEquals(fromDisk, StoreDump.of(s3));
      proxy.throttleFor(60_000);
      s3.reload();
      assertEquals(fromDiskInMemory, StoreDump.of(s3, false), "a failed listing drops nothing");
      List<Problem> problems = s3.logdirProblems();
      assertEquals(1, problems.size(), problems.toString());
      assertEquals("s3://shared/runs/tfevents", problems.get(0).file());
      assertTrue(problems.get(0).message().contains("throttled") && problems.get(0).message().contains("SlowDown"),
          problems.get(0).message());
      proxy.stopThrottling();
      s3.reload();
      assertEquals(List.of(), s3.logdirProblems());
    }
  }

  @Test
  void readFailsPastItsRetries_runKeepsWhatItHas_problemNamesTheKey_readOnWhenItWorks() throws Exception {
    String key = "failing/run1/events.out.tfevents.1700000000.host.1.0";
    byte[] first = TestEvents.frame(scalars("loss", 0, 1000, 1f));
    server.put("live", key, first);
    try (FaultyProxy proxy = new FaultyProxy(server.endpoint());
        RunStore s3 = store("s3://live/failing", S3Server.settings(proxy.endpoint(), S3Server.SECRET)
            .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(20)))) {
      s3.reload();
      assertEquals(1000, s3.tag("run1", "loss").count());
      server.put("live", key, concat(first, TestEvents.frame(scalars("loss", 1000, 1200, 1f))));
      proxy.throttleReadsFor(60_000);
      s3.reload();
      assertEquals(1000, s3.tag("run1", "loss").count(), "what was read stays");
      List<Problem> problems = s3.problems("run1");
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).message().contains("s3://live/" + key) && problems.get(0).message().contains("throttled"),
          problems.get(0).message());
      proxy.stopThrottling();
      s3.reload();
      assertEquals(1200, s3.tag("run1", "loss").count());
      assertEquals(List.of(), s3.problems("run1"));
      assertEquals(0, s3.run("run1").restarts());
    }
  }

  @Test
  void wrongSecret_problemSaysAccessDeniedWithTheUrl() throws Exception {
    try (RunStore s3 = store("s3://shared/runs", S3Server.settings(server.endpoint(), "not-the-secret"))) {
      s3.reload();
      assertEquals(List.of(), s3.runs());
      List<Problem> problems = s3.logdirProblems();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).message().contains("s3://shared/runs") && problems.get(0).message().contains("access denied"),
          problems.get(0).message());
    }
  }

  @Test
  void missingBucket_problemNamesTheBucket() throws Exception {
    try (RunStore s3 = store("s3://no-bucket-here/runs", server.settings())) {
      s3.reload();
      List<Problem> problems = s3.logdirProblems();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).message().contains("bucket 'no-bucket-here' does not exist"), problems.get(0).message());
    }
  }

  static List<Event> scalars(String tag, int from, int to, float scale) {
    List<Event> out = new ArrayList<>();
    if (from == 0) {
      out.add(TestEvents.fileVersion());
    }
    for (int i = from; i < to; i++) {
      out.add(TestEvents.scalar(tag, i, TestEvents.WALL0 + i, scale * i));
    }
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void liveTail_objectUploadedAgainLarger_readOnFromWhereItStopped_shorterOneReadAgain() throws Exception {
    String key = "tail/run1/events.out.tfevents.1700000000.host.1.0";
    byte[] first = TestEvents.frame(scalars("loss", 0, 20_000, 1f));
    byte[] more = TestEvents.frame(scalars("loss", 20_000, 20_500, 1f));
    server.put("live", key, first);
    try (RunStore s3 = store("s3://live/tail", server.settings())) {
      s3.reload();
      assertEquals(20_000, s3.tag("run1", "loss").count());
      long bytesBefore = s3.traffic().bytes();
      server.put("live", key, concat(first, more)); // a writer's flush, as object storage sees it
      s3.reload();
      ScalarPoints p = s3.scalars("run1", "loss", 0, Long.MAX_VALUE, 100_000);
      assertEquals(20_500, p.steps().length);
      assertEquals(20_499f, p.values()[20_499]);
      assertEquals(0, s3.run("run1").restarts(), "read on, not again");
      long fetched = s3.traffic().bytes() - bytesBefore;
      assertTrue(fetched < first.length / 4, "only the new bytes and a fingerprint of the old were fetched: "
          + fetched + " of " + (first.length + more.length));

      server.put("live", key, TestEvents.frame(scalars("loss", 0, 100, 2f))); // replaced by a shorter one
      s3.reload();
      p = s3.scalars("run1", "loss", 0, Long.MAX_VALUE, 100_000);
      assertEquals(100, p.steps().length);
      assertEquals(198f, p.values()[99]);
      assertEquals(1, s3.run("run1").restarts());
    }
  }

  @Test
  void runDeletedThenMadeAgain_goesAndComesBack() throws Exception {
    server.put("live", "again/a/events.out.tfevents.1.h.1.0", TestEvents.frame(scalars("x", 0, 10, 1f)));
    server.put("live", "again/b/events.out.tfevents.1.h.1.0", TestEvents.frame(scalars("x", 0, 5, 1f)));
    try (RunStore s3 = store("s3://live/again", server.settings())) {
      s3.reload();
      assertEquals(List.of("a", "b"), s3.runs().stream().map(RunInfo::name).toList());
      server.deletePrefix("live", "again/b/");
      s3.reload();
      assertEquals(List.of("a"), s3.runs().stream().map(RunInfo::name).toList());
      server.put("live", "again/b/events.out.tfevents.2.h.1.0", TestEvents.frame(scalars("x", 0, 7, 3f)));
      s3.reload();
      assertEquals(List.of("a", "b"), s3.runs().stream().map(RunInfo::name).toList());
      assertEquals(List.of("events.out.tfevents.2.h.1.0"), s3.run("b").files());
      assertEquals(7, s3.tag("b", "x").count());
      assertEquals(18f, s3.scalars("b", "x", 6, 6, 1).values()[0]);
    }
  }
}
