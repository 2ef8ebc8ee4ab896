package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3Storage} against a real S3 API (S3Proxy on loopback): listing, stat, ranged reads, errors. */
class S3StorageTest {
  @TempDir static Path dir;
  static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
    server.createBucket("logs");
    // three runs at different depths, a model beside one, and a folder marker as consoles make them
    server.put("logs", "exp/a/events.out.tfevents.1.host.1.0", bytes(10, 1));
    server.put("logs", "exp/a/model.onnx", bytes(5, 2));
    server.put("logs", "exp/a/deep/er/events.out.tfevents.2.host.1.0", bytes(20, 3));
    server.put("logs", "exp/b/events.out.tfevents.3.host.1.0", bytes(30, 4));
    server.put("logs", "exp/b/notes.txt", bytes(3, 5));
    server.put("logs", "exp/empty/", new byte[0]);
    server.put("logs", "experiment-other/events.out.tfevents.9.host.1.0", bytes(7, 6)); // shares the prefix's letters
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static S3Storage storage(String url) {
    return new S3Storage(S3Location.parse(url), server.settings());
  }

  @Test
  void listEventFiles_pagedTwoKeysAPage_findsEveryDepthAndSkipsFolderMarkersAndOtherPrefixes() throws IOException {
    try (S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp/"), server.settings().withPageSize(2))) {
      Storage.Listing l = s.listEventFiles();
      Map<String, Long> sizes = new java.util.TreeMap<>();
      for (Storage.FileStat f : l.files()) {
        sizes.put(f.path(), f.size());
        assertEquals("exp/" + f.path(), f.identity(), "identity is the key");
        assertTrue(f.changeTag().length() > 2, "the ETag is the change tag: " + f.changeTag());
      }
      assertEquals(Map.of("a/events.out.tfevents.1.host.1.0", 10L, "a/deep/er/events.out.tfevents.2.host.1.0", 20L,
          "b/events.out.tfevents.3.host.1.0", 30L), sizes);
      assertEquals(List.of(), l.unlisted());
      assertEquals("s3://logs/exp", s.location());
      assertTrue(s.traffic().requests() >= 3, "pages of two keys: " + s.traffic());
    }
  }

  @Test
  void listEventFiles_wholeBucket_namesPathsFromTheBucketRoot() throws IOException {
    server.createBucket("whole");
    server.put("whole", "events.out.tfevents.1.h.1.0", bytes(4, 1));
    server.put("whole", "r/", new byte[0]);
    server.put("whole", "r/events.out.tfevents.2.h.1.0", bytes(5, 1));
    try (S3Storage s = storage("s3://whole/")) {
      assertEquals(List.of("events.out.tfevents.1.h.1.0", "r/events.out.tfevents.2.h.1.0"),
          s.listEventFiles().files().stream().map(Storage.FileStat::path).sorted().toList());
      assertEquals("s3://whole", s.location());
    }
  }

  @Test
  void listFiles_onlyThoseDirectlyInTheFolderWithTheSuffix() throws IOException {
    try (S3Storage s = storage("s3://logs/exp")) {
      assertEquals(List.of("a/model.onnx"), s.listFiles("a", ".onnx").stream().map(Storage.FileStat::path).toList());
      assertEquals(List.of(), s.listFiles("nothing", ".onnx"));
    }
  }

  @Test
  void stat_existingAndMissing() throws IOException {
    try (S3Storage s = storage("s3://logs/exp")) {
      Storage.FileStat f = s.stat("b/events.out.tfevents.3.host.1.0");
      assertEquals(30, f.size());
      assertNull(s.stat("b/none"));
    }
  }

  @Test
  void open_readsEveryRangeAsStored() throws IOException {
    byte[] expected = bytes(30, 4);
    try (S3Storage s = storage("s3://logs/exp"); SeekableByteChannel ch = s.open("b/events.out.tfevents.3.host.1.0")) {
      assertEquals(30, ch.size());
      for (int at : new int[] {29, 0, 13}) {
        ByteBuffer b = ByteBuffer.allocate(64);
        ch.position(at);
        assertEquals(30 - at, ch.read(b));
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, at, 30), java.util.Arrays.copyOf(b.array(), 30 - at));
      }
      ch.position(30);
      assertEquals(-1, ch.read(ByteBuffer.allocate(8)));
    }
  }

  @Test
  void open_rangeHint_oneRequestForTheRange() throws IOException {
    byte[] big = bytes(300_000, 7);
    server.put("logs", "hint/events.out.tfevents.1.h.1.0", big);
    try (S3Storage s = storage("s3://logs/hint");
        SeekableByteChannel ch = s.open("events.out.tfevents.1.h.1.0", 100_000, 150_000)) {
      long before = s.traffic().requests();
      ch.position(100_000);
      ByteBuffer b = ByteBuffer.allocate(12);
      ch.read(b);
      ByteBuffer rest = ByteBuffer.allocate(149_000);
      while (rest.hasRemaining()) {
        ch.read(rest);
      }
      assertEquals(1, s.traffic().requests() - before, "one ranged GET for the header and the record");
      assertEquals(150_000, s.traffic().bytes());
      assertArrayEquals(java.util.Arrays.copyOfRange(big, 100_012, 249_012), rest.array());
    }
  }

  @Test
  void open_missingKey_noSuchFileNamingTheUrl() throws IOException {
    try (S3Storage s = storage("s3://logs/exp"); SeekableByteChannel ch = s.open("a/gone")) {
      NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ch.read(ByteBuffer.allocate(4)));
      assertTrue(e.getMessage().contains("s3://logs/exp/a/gone"), e.getMessage());
    }
  }

  @Test
  void open_pathLeavingTheRoot_refused() throws IOException {
    try (S3Storage s = storage("s3://logs/exp")) {
      for (String p : new String[] {"../x", "a/../../x", "", "a//b", "./a"}) {
        assertThrows(NoSuchFileException.class, () -> s.open(p), p);
      }
    }
  }

  @Test
  void wrongSecret_accessDeniedNamingBucketAndKey() throws IOException {
    try (S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp"), S3Server.settings(server.endpoint(), "wrong"))) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, s::listEventFiles);
      assertTrue(e.getMessage().contains("s3://logs/exp") && e.getMessage().contains("access denied")
          && e.getMessage().contains("403") && e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
      SeekableByteChannel ch = s.open("a/events.out.tfevents.1.host.1.0");
      e = assertThrows(AccessDeniedException.class, () -> ch.read(ByteBuffer.allocate(4)));
      assertTrue(e.getMessage().contains("s3://logs/exp/a/events.out.tfevents.1.host.1.0"), e.getMessage());
    }
  }

  @Test
  void missingBucket_saysSoAndIsNoMissingFile() throws IOException {
    try (S3Storage s = storage("s3://no-such-bucket/x")) {
      IOException e = assertThrows(IOException.class, s::listEventFiles);
      assertNotEquals(NoSuchFileException.class, e.getClass(), "runs read before must not be dropped");
      assertTrue(e.getMessage().contains("bucket 'no-such-bucket' does not exist")
          && e.getMessage().contains(server.endpoint().toString()), e.getMessage());
    }
  }

  @Test
  void unreachableEndpoint_saysWhichAndWhatFor() throws IOException {
    URI nowhere = URI.create("http://127.0.0.1:9"); // discard: nothing listens
    S3Settings quick = S3Server.settings(nowhere, S3Server.SECRET)
        .withRetries(2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20));
    try (S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp"), quick)) {
      IOException e = assertThrows(IOException.class, s::listEventFiles);
      assertTrue(e.getMessage().contains("s3://logs/exp") && e.getMessage().contains("did not answer"), e.getMessage());
    }
  }

  @Test
  void noKeysAnywhere_saysWhichVariablesGiveThem() throws IOException {
    S3Settings none = S3Settings.of(server.endpoint(), software.amazon.awssdk.regions.Region.US_EAST_1, () -> {
      throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to load credentials from any of the providers");
    });
    try (S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp"), none)) {
      IOException e = assertThrows(IOException.class, s::listEventFiles);
      assertTrue(e.getMessage().contains("no keys found") && e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    }
  }

  @Test
  void throttled_retriedWithBackoffUntilItPasses() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(server.endpoint());
        S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp"), S3Server.settings(proxy.endpoint(), S3Server.SECRET))) {
      proxy.throttleFor(400);
      assertEquals(3, s.listEventFiles().files().size());
      assertTrue(proxy.refused() >= 1, "throttled at least once: " + proxy.refused());
      assertEquals(proxy.refused() + proxy.passed(), s.traffic().requests(), "every attempt counted");
    }
  }

  @Test
  void throttledLongerThanTheRetries_saysThrottledWithTheUrl() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(server.endpoint());
        S3Storage s = new S3Storage(S3Location.parse("s3://logs/exp"), S3Server.settings(proxy.endpoint(), S3Server.SECRET)
            .withRetries(3, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20)))) {
      proxy.throttleFor(60_000);
      IOException e = assertThrows(IOException.class, s::listEventFiles);
      assertTrue(e.getMessage().contains("throttled") && e.getMessage().contains("SlowDown")
          && e.getMessage().contains("after 3 attempts") && e.getMessage().contains("s3://logs/exp"), e.getMessage());
    }
  }
}
