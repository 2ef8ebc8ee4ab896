package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link RangedReadChannel} against an object in memory: every read at every position and length
 * gives the object's bytes, and the requests stay few (read-ahead for scans, the hinted range for
 * blobs, a small fetch after a seek).
 */
class RangedReadChannelTest {
  static final int READ_AHEAD = 1 << 20;

  /** An object in memory that records every fetch as {offset, length}. */
  static class Source implements RangedReadChannel.RangeSource {
    final byte[] bytes;
    final List<long[]> fetches = new CopyOnWriteArrayList<>();
    int sizeCalls;

    Source(int n, long seed) {
      bytes = new byte[n];
      new Random(seed).nextBytes(bytes);
    }

    @Override
    public RangedReadChannel.Range fetch(long offset, int length) {
      fetches.add(new long[] {offset, length});
      int from = (int) Math.min(offset, bytes.length);
      int to = (int) Math.min(bytes.length, offset + length);
      return new RangedReadChannel.Range(Arrays.copyOfRange(bytes, from, to), bytes.length);
    }

    @Override
    public long size() {
      sizeCalls++;
      return bytes.length;
    }
  }

  @Property(tries = 200)
  void anyReadsAnywhere_giveTheObjectsBytes(@ForAll @IntRange(min = 0, max = 300_000) int size,
      @ForAll("seeds") long seed) throws IOException {
    Source src = new Source(size, seed);
    Random r = new Random(seed);
    try (RangedReadChannel ch = new RangedReadChannel(src, 4096 * (1 + r.nextInt(40)), null, -1, 0)) {
      for (int i = 0; i < 20; i++) {
        long at = r.nextInt(size + 10);
        int len = 1 + r.nextInt(r.nextBoolean() ? 100 : 100_000);
        ch.position(at);
        ByteBuffer b = ByteBuffer.allocate(len);
        int got = 0;
        int n;
        while (b.hasRemaining() && (n = ch.read(b)) > 0) {
          got += n;
        }
        int expected = (int) Math.max(0, Math.min(len, size - at));
        assertEquals(expected, got, "read " + len + " at " + at + " of " + size);
        if (expected > 0) {
          assertArrayEquals(Arrays.copyOfRange(src.bytes, (int) at, (int) at + expected), Arrays.copyOf(b.array(), expected));
        }
        assertEquals(at + got, ch.position());
      }
      assertEquals(size, ch.size());
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }

  @Test
  void scanWithSmallReads_fetchesGrowToTheReadAhead_fewRequests() throws IOException {
    Source src = new Source(20 << 20, 1);
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, null, -1, 0)) {
      ByteBuffer b = ByteBuffer.allocate(16 << 10);
      while (ch.read(b.clear()) > 0) {
        // a scanner's reads
      }
    }
    // 64K, 128K, 256K, 512K (960K), then 1 MiB at a time: 19 whole and the last 64K
    assertEquals(4 + 20, src.fetches.size(), "fetches: " + src.fetches.size());
    assertEquals(65_536, src.fetches.get(0)[1]);
    assertEquals(READ_AHEAD, src.fetches.get(10)[1]);
  }

  @Test
  void blobHint_oneFetchOfTheHintedRange() throws IOException {
    Source src = new Source(1 << 20, 2);
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, null, 300_000, 200_000)) {
      ch.position(300_000);
      ByteBuffer header = ByteBuffer.allocate(12);
      ch.read(header);
      ByteBuffer body = ByteBuffer.allocate(199_988);
      while (body.hasRemaining()) {
        ch.read(body);
      }
      assertArrayEquals(Arrays.copyOfRange(src.bytes, 300_012, 500_000), body.array());
    }
    assertEquals(1, src.fetches.size());
    assertArrayEquals(new long[] {300_000, 200_000}, src.fetches.get(0));
  }

  @Test
  void fingerprintAfterAScan_firstAndLastBytesAgain_noRequest() throws IOException {
    Source src = new Source(6 << 20, 8);
    try (RangedReadChannel ch = new RangedReadChannel(src, 8 << 20, null, -1, 0)) {
      ByteBuffer chunk = ByteBuffer.allocate(4 << 20);
      while (ch.read(chunk.clear()) > 0) {
        // a loader's chunks
      }
      int before = src.fetches.size();
      ByteBuffer first = ByteBuffer.allocate(Run.PRINT_BYTES);
      ch.position(0);
      ch.read(first);
      ByteBuffer last = ByteBuffer.allocate(Run.PRINT_BYTES);
      ch.position((6 << 20) - Run.PRINT_BYTES);
      ch.read(last);
      assertEquals(before, src.fetches.size(), "the first bytes are kept, the last are in the last range");
      assertArrayEquals(Arrays.copyOf(src.bytes, Run.PRINT_BYTES), first.array());
      assertArrayEquals(Arrays.copyOfRange(src.bytes, (6 << 20) - Run.PRINT_BYTES, 6 << 20), last.array());
    }
  }

  @Test
  void readAfterASeek_fetchesLittle() throws IOException {
    Source src = new Source(4 << 20, 3);
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, null, -1, 0)) {
      ch.position(3 << 20);
      ch.read(ByteBuffer.allocate(4096));
      ch.position(0);
      ch.read(ByteBuffer.allocate(4096));
    }
    assertEquals(2, src.fetches.size());
    assertEquals(RangedReadChannel.MIN_FETCH, src.fetches.get(0)[1]);
    assertEquals(RangedReadChannel.MIN_FETCH, src.fetches.get(1)[1]);
  }

  @Test
  void streamingRead_fetchesTheNextRangeInTheBackground() throws Exception {
    Source src = new Source(5 << 20, 4);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, pool, -1, 0)) {
      ByteBuffer all = ByteBuffer.allocate(5 << 20);
      ByteBuffer b = ByteBuffer.allocate(1 << 20); // a loader's chunk
      while (ch.read(b.clear()) > 0) {
        b.flip();
        all.put(b);
      }
      assertArrayEquals(src.bytes, all.array());
    } finally {
      pool.shutdownNow();
    }
    // 1 MiB asked for, then each next MiB fetched ahead: no range twice, none left out
    long expectedAt = 0;
    for (long[] f : src.fetches) {
      assertEquals(expectedAt, f[0]);
      expectedAt += f[1];
    }
    assertEquals(5 << 20, expectedAt);
  }

  @Test
  void everyFetchedArray_releasedOnceWhenDoneWith_evenAReadAheadNobodyRead() throws Exception {
    java.util.Map<byte[], Integer> released = new java.util.IdentityHashMap<>();
    List<byte[]> fetched = new CopyOnWriteArrayList<>();
    Source src = new Source(5 << 20, 9) {
      @Override
      public RangedReadChannel.Range fetch(long offset, int length) {
        RangedReadChannel.Range r = super.fetch(offset, length);
        fetched.add(r.bytes());
        return r;
      }

      @Override
      public void release(byte[] b) {
        synchronized (released) {
          released.merge(b, 1, Integer::sum);
        }
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, pool, -1, 0)) {
      ch.read(ByteBuffer.allocate(1 << 20)); // streams: the next MiB is fetched in the background
      ch.position(3 << 20);
      ch.read(ByteBuffer.allocate(4096)); // a seek past it: the read-ahead is dropped, unread
    } finally {
      pool.shutdown();
      pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    Thread.sleep(50); // the dropped read-ahead's array comes back when its fetch ends
    synchronized (released) {
      assertEquals(fetched.size(), released.size(), "fetched " + fetched.size() + ", released " + released.size());
      for (byte[] b : fetched) {
        assertEquals(1, released.get(b));
      }
    }
  }

  @Test
  void sizeUnknown_askedOnce_endReadsMinusOne() throws IOException {
    Source src = new Source(1000, 5);
    try (RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, null, -1, 0)) {
      assertEquals(1000, ch.size());
      assertEquals(1000, ch.size());
      assertEquals(1, src.sizeCalls);
      ch.position(1000);
      assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
      assertEquals(0, src.fetches.size(), "the size says the end: no request");
      assertEquals(0, ch.read(ByteBuffer.allocate(0)));
    }
  }

  @Test
  void closedOrWritten_refused() throws IOException {
    Source src = new Source(10, 6);
    RangedReadChannel ch = new RangedReadChannel(src, READ_AHEAD, null, -1, 0);
    assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
    assertThrows(NonWritableChannelException.class, () -> ch.truncate(1));
    assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
    ch.close();
    ch.close();
    assertTrue(!ch.isOpen());
    assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
    assertThrows(ClosedChannelException.class, ch::size);
  }

  @Test
  void failingFetch_throwsTheIoException() throws IOException {
    RangedReadChannel.RangeSource failing = new RangedReadChannel.RangeSource() {
      @Override
      public RangedReadChannel.Range fetch(long offset, int length) throws IOException {
        throw new java.nio.file.AccessDeniedException("s3://b/k", null, "access denied");
      }

      @Override
      public long size() {
        return 100;
      }
    };
    try (RangedReadChannel ch = new RangedReadChannel(failing, READ_AHEAD, null, -1, 0)) {
      assertThrows(java.nio.file.AccessDeniedException.class, () -> ch.read(ByteBuffer.allocate(1)));
    }
  }
}
