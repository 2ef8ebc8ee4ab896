package dev.trainscope.writer;

import dev.trainscope.events.TfRecordFormat;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The writer's background thread: takes slots from the {@link EventRing} in order, encodes each
 * into a framed record in its run's buffer, and writes buffers through their FileChannel when they
 * pass {@link #WRITE_THRESHOLD}, when the ring is drained (so a live reader sees new data at once),
 * on a flush, and at the end.
 *
 * <p>A scalar event is built here from primitives:
 *
 * <pre>
 *   Event   09 wall_time(8)  10 step(varint, absent when 0)  2A len
 *   Summary   0A len
 *   Value       tag field (precomputed)  42 0A  08 01  12 00  2A 04 float(4)  [metadata field, first value only]
 *                                        tensor{dtype=DT_FLOAT, shape=[], float_val=[v]}
 * </pre>
 *
 * byte for byte what the generic encoder of trainscope-events produces for the same event.
 *
 * <p>After a write fails the consumer keeps taking slots (so that producers never block on a dead
 * writer) but encodes nothing more; the failure is thrown by the next call of every producer.
 */
final class Consumer implements Runnable {
  static final int WRITE_THRESHOLD = 1 << 20;
  private static final int SPINS_BEFORE_PARK = 200;
  private static final long MIN_PARK_NANOS = 50_000L;
  /** Slots taken before they are given back to the producers. */
  private static final int BATCH = 256;
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** {@code tensor} field of a rank-0 DT_FLOAT tensor, up to the four bytes of the float. */
  private static final byte[] SCALAR_TENSOR_HEAD = {0x42, 0x0A, 0x08, 0x01, 0x12, 0x00, 0x2A, 0x04};

  private final EventRing ring;
  private final boolean fsyncOnFlush;
  /** Every run of the writer, asked for once at the end to close them all. */
  private final Supplier<List<Run>> allRuns;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CRC32C crc = new CRC32C();
  private final byte[] scalarBody = new byte[SCALAR_TENSOR_HEAD.length + 4];
  /** Masked CRCs of the 8-byte length field of small records, by length; 0 = not computed. */
  private final int[] lengthCrcs = new int[2048];
  private final byte[] lengthBytes = new byte[8];
  private final List<Run> toWrite = new ArrayList<>();
  private final List<Run> seen = new ArrayList<>();
  private boolean failed;
  /** A payload was taken since blocked producers were last told about free room. */
  private boolean payloadTaken;

  Consumer(EventRing ring, boolean fsyncOnFlush, Supplier<List<Run>> allRuns) {
    this.ring = ring;
    this.fsyncOnFlush = fsyncOnFlush;
    this.allRuns = allRuns;
    System.arraycopy(SCALAR_TENSOR_HEAD, 0, scalarBody, 0, SCALAR_TENSOR_HEAD.length);
  }

  /** Waits until the thread has drained the closed ring and closed every file. */
  void awaitTermination() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    long[] seqs = ring.seqs;
    int mask = ring.mask;
    long capacity = ring.capacity;
    long head = 0;
    int idle = 0;
    long park = MIN_PARK_NANOS;
    int freed = 0;
    try {
      while (true) {
        // Scan first: the loads of several slots' states overlap instead of missing one by one.
        int n = 0;
        while (n < BATCH && (long) EventRing.SEQS.getAcquire(seqs, (int) (head + n) & mask) == head + n + 1) {
          n++;
        }
        if (n > 0) {
          ring.clockMillis = System.currentTimeMillis();
          for (int k = 0; k < n; k++) {
            take((int) (head + k) & mask);
          }
          for (int k = 0; k < n; k++) {
            EventRing.SEQS.setRelease(seqs, (int) (head + k) & mask, head + k + capacity);
          }
          freed += n;
          // Blocked producers wait for an eighth of the ring (or for payload bytes): wake them when
          // that much is free, or when the ring ran empty, not for every batch.
          if (freed >= ring.hysteresis || n < BATCH || payloadTaken) {
            ring.roomFreed();
            freed = 0;
            payloadTaken = false;
          }
          head += n;
          idle = 0;
          park = MIN_PARK_NANOS;
          continue;
        }
        ring.clockMillis = EventRing.CLOCK_STALE; // idle or writing from here on: producers read the clock
        if (!toWrite.isEmpty()) {
          writeQueued(); // drained: what we have goes to the OS now
          continue;
        }
        long end = ring.closeAt;
        if (end >= 0 && head >= end) {
          break;
        }
        if (++idle < SPINS_BEFORE_PARK) {
          Thread.onSpinWait();
          continue;
        }
        ring.sleeping = true;
        if ((long) EventRing.SEQS.getVolatile(seqs, (int) head & mask) != head + 1 && ring.closeAt < 0) {
          LockSupport.parkNanos(this, park);
          park = Math.min(EventRing.MAX_PARK_NANOS, park * 2);
        } else if (end >= 0) {
          Thread.yield(); // closing: a producer is between its claim and its publish
        }
        ring.sleeping = false;
        Thread.interrupted(); // nobody interrupts this thread on purpose; a stray interrupt must not make park spin
      }
    } catch (Throwable t) {
      ring.fail(t); // a bug here; the producers will hear of it
    } finally {
      finish();
      ring.consumerDone = true;
      ring.roomFreed();
      terminated.countDown();
    }
  }

  private void take(int i) {
    Object item = ring.items[i];
    ring.items[i] = null;
    int d = 3 * i;
    long step = ring.data[d];
    long wallBits = ring.data[d + 1];
    long valueBits = ring.data[d + 2];
    try {
      if (item instanceof Tag t) {
        scalar(t, step, wallBits, valueBits);
        return;
      }
      ring.clockMillis = EventRing.CLOCK_STALE; // a large value, a write or a sync may take a while
      if (item instanceof Items.Payload p) {
        try {
          payload(p, step, wallBits);
        } finally {
          ring.pendingBytes.addAndGet(-p.body().length);
          payloadTaken = true;
        }
      } else if (item instanceof Items.Bare b) {
        try {
          bare(b, step, wallBits);
        } finally {
          ring.pendingBytes.addAndGet(-b.what().length);
          payloadTaken = true;
        }
      } else if (item instanceof Items.Flush f) {
        flush();
        f.complete(ring.failure());
      } else if (item instanceof Items.CloseRun c) {
        closeRun(c.run());
      } else {
        throw new IllegalStateException("unknown queue item " + item);
      }
    } catch (IOException | RuntimeException e) {
      failWith(e);
      if (item instanceof Items.Flush f) {
        f.complete(e);
      }
    }
  }

  private void failWith(Throwable e) {
    failed = true;
    ring.fail(e);
    toWrite.clear();
  }

  // ---- encoding ----

  private void scalar(Tag t, long step, long wallBits, long valueBits) throws IOException {
    if (failed) {
      return;
    }
    int floatBits = Float.floatToRawIntBits((float) Double.longBitsToDouble(valueBits));
    if (!t.metadataWritten) {
      t.metadataWritten = true;
      INT_LE.set(scalarBody, SCALAR_TENSOR_HEAD.length, floatBits);
      append(t.run, wallBits, step, t.tagField, scalarBody, t.metadataField);
      return;
    }
    byte[] tail = t.scalarTail;
    if (tail == null) {
      tail = t.scalarTail = scalarTail(t.tagField);
    }
    // The generic record below, minus the work a scalar never needs.
    Run run = t.run;
    int eventLen = (wallBits != 0 ? 9 : 0) + (step != 0 ? 1 + varintSize(step) : 0) + tail.length + 4;
    int at = run.pos;
    byte[] b = run.reserve(eventLen + TfRecordFormat.OVERHEAD);
    int p = at + TfRecordFormat.HEADER_LENGTH;
    if (wallBits != 0) {
      b[p] = 0x09;
      LONG_LE.set(b, p + 1, wallBits);
      p += 9;
    }
    if (step != 0) {
      b[p++] = 0x10;
      p = putVarint(b, p, step);
    }
    System.arraycopy(tail, 0, b, p, tail.length);
    p += tail.length;
    INT_LE.set(b, p, floatBits);
    p += 4;
    finishRecord(run, b, at, eventLen, p);
  }

  /**
   * The bytes of a scalar event after its step, up to the float: the summary and value headers,
   * the tag field and the tensor's fields before {@code float_val}'s four bytes.
   */
  static byte[] scalarTail(byte[] tagField) {
    int valueLen = tagField.length + SCALAR_TENSOR_HEAD.length + 4;
    int summaryLen = 1 + varintSize(valueLen) + valueLen;
    byte[] tail = new byte[1 + varintSize(summaryLen) + 1 + varintSize(valueLen) + tagField.length
        + SCALAR_TENSOR_HEAD.length];
    int p = 0;
    tail[p++] = 0x2A;
    p = putVarint(tail, p, summaryLen);
    tail[p++] = 0x0A;
    p = putVarint(tail, p, valueLen);
    System.arraycopy(tagField, 0, tail, p, tagField.length);
    p += tagField.length;
    System.arraycopy(SCALAR_TENSOR_HEAD, 0, tail, p, SCALAR_TENSOR_HEAD.length);
    return tail;
  }

  private void payload(Items.Payload p, long step, long wallBits) throws IOException {
    if (failed) {
      return;
    }
    Tag t = p.tag();
    byte[] meta = p.metadataField();
    if (meta == null && !t.metadataWritten) {
      meta = t.metadataField;
    }
    t.metadataWritten = true;
    append(t.run, wallBits, step, t.tagField, p.body(), meta);
  }

  /** Appends one framed Event { wall_time, step, summary { value { tag, body, metadata } } }. */
  private void append(Run run, long wallBits, long step, byte[] tagField, byte[] body, byte[] meta)
      throws IOException {
    int metaLen = meta == null ? 0 : meta.length;
    int valueLen = tagField.length + body.length + metaLen;
    int summaryLen = 1 + varintSize(valueLen) + valueLen;
    int eventLen = (wallBits != 0 ? 9 : 0) + (step != 0 ? 1 + varintSize(step) : 0)
        + 1 + varintSize(summaryLen) + summaryLen;
    int at = run.pos;
    byte[] b = run.reserve(TfRecordFormat.framedLength(eventLen));
    int p = at + TfRecordFormat.HEADER_LENGTH;
    if (wallBits != 0) {
      b[p] = 0x09;
      LONG_LE.set(b, p + 1, wallBits);
      p += 9;
    }
    if (step != 0) {
      b[p++] = 0x10;
      p = putVarint(b, p, step);
    }
    b[p++] = 0x2A;
    p = putVarint(b, p, summaryLen);
    b[p++] = 0x0A;
    p = putVarint(b, p, valueLen);
    System.arraycopy(tagField, 0, b, p, tagField.length);
    p += tagField.length;
    System.arraycopy(body, 0, b, p, body.length);
    p += body.length;
    if (meta != null) {
      System.arraycopy(meta, 0, b, p, metaLen);
      p += metaLen;
    }
    finishRecord(run, b, at, eventLen, p);
  }

  /** Appends one framed Event { wall_time, step, what }: an event without a summary. */
  private void bare(Items.Bare item, long step, long wallBits) throws IOException {
    if (failed) {
      return;
    }
    Run run = item.run();
    byte[] what = item.what();
    int eventLen = (wallBits != 0 ? 9 : 0) + (step != 0 ? 1 + varintSize(step) : 0) + what.length;
    int at = run.pos;
    byte[] b = run.reserve(TfRecordFormat.framedLength(eventLen));
    int p = at + TfRecordFormat.HEADER_LENGTH;
    if (wallBits != 0) {
      b[p] = 0x09;
      LONG_LE.set(b, p + 1, wallBits);
      p += 9;
    }
    if (step != 0) {
      b[p++] = 0x10;
      p = putVarint(b, p, step);
    }
    System.arraycopy(what, 0, b, p, what.length);
    p += what.length;
    finishRecord(run, b, at, eventLen, p);
  }

  /** Frames the event at {@code b[at + 12, end)} and queues its run for writing. */
  private void finishRecord(Run run, byte[] b, int at, int eventLen, int end) throws IOException {
    LONG_LE.set(b, at, (long) eventLen);
    INT_LE.set(b, at + TfRecordFormat.LENGTH_CRC_OFFSET, lengthCrc(eventLen));
    INT_LE.set(b, end, TfRecordFormat.maskedCrc32c(crc, b, at + TfRecordFormat.HEADER_LENGTH, eventLen));
    run.pos = end + TfRecordFormat.FOOTER_LENGTH;
    if (!run.queuedForWrite) {
      run.queuedForWrite = true;
      toWrite.add(run);
      if (!run.seen) {
        run.seen = true;
        seen.add(run);
      }
    }
    if (run.pos >= WRITE_THRESHOLD) {
      ring.clockMillis = EventRing.CLOCK_STALE;
      run.writeBuffered();
    }
  }

  private int lengthCrc(int len) {
    if (len < lengthCrcs.length) {
      int c = lengthCrcs[len];
      if (c == 0) {
        c = computeLengthCrc(len);
        lengthCrcs[len] = c; // a masked CRC of 0 is recomputed each time, which is merely slower
      }
      return c;
    }
    return computeLengthCrc(len);
  }

  private int computeLengthCrc(int len) {
    LONG_LE.set(lengthBytes, 0, (long) len);
    return TfRecordFormat.maskedCrc32c(crc, lengthBytes, 0, 8);
  }

  /** The bytes of {@code v} as a varint: 1 for 0 to 127, ..., 10 for negatives. */
  static int varintSize(long v) {
    return (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  private static int putVarint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  // ---- writing ----

  private void writeQueued() {
    try {
      for (int i = 0; i < toWrite.size(); i++) {
        Run r = toWrite.get(i);
        r.queuedForWrite = false;
        if (r.pos > 0 && !r.closed) {
          r.writeBuffered();
        }
      }
      toWrite.clear();
    } catch (IOException | RuntimeException e) {
      failWith(e);
    }
  }

  private void flush() throws IOException {
    writeQueued();
    if (fsyncOnFlush && !failed) {
      for (Run r : seen) {
        if (r.unsynced && !r.closed) {
          r.sync();
        }
      }
    }
  }

  private void closeRun(Run r) throws IOException {
    try {
      if (!failed && r.pos > 0) {
        r.writeBuffered();
      }
      if (!failed && fsyncOnFlush && r.unsynced) {
        r.sync();
      }
    } finally {
      r.closed = true;
      r.pos = 0;
      r.channel.close();
    }
  }

  /** Writes what is left, syncs when asked to, and closes every file, keeping the first failure. */
  private void finish() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      failWith(e);
    }
    for (Run r : allRuns.get()) {
      try {
        r.closed = true;
        r.channel.close();
      } catch (IOException | RuntimeException e) {
        ring.fail(e);
      }
    }
  }
}
