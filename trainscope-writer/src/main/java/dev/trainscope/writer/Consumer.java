package dev.trainscope.writer;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Events are written with trainscope-events' codec straight into the run's buffer: each record is
 * sized first ({@link ProtoWriter#varintSize} and friends), room made for it once, its fields put
 * at their positions ({@link ProtoWriter#putTag} and friends, field numbers from the proto classes)
 * and framed in place by {@link TfRecordFormat#frameInPlace}. A scalar event is built from
 * primitives and bytes encoded once per tag:
 *
 * <pre>
 *   Event   wall_time (absent when 0)  step (absent when 0)  summary, with its length
 *   Summary   value, with its length
 *   Value       tag field (precomputed)  tensor{dtype=DT_FLOAT, shape=[], float_val=[v]}  [metadata, first value only]
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
  /**
   * {@code Summary.Value.tensor} holding a rank-0 DT_FLOAT tensor, up to the four bytes of its one
   * {@code float_val}: the generic encoding of such a field, whose last field the float is.
   */
  private static final byte[] SCALAR_TENSOR_HEAD = scalarTensorHead();

  private final EventRing ring;
  private final boolean fsyncOnFlush;
  /** Every run of the writer, asked for once at the end to close them all. */
  private final Supplier<List<Run>> allRuns;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CRC32C crc = new CRC32C();
  private final List<Run> toWrite = new ArrayList<>();
  private final List<Run> seen = new ArrayList<>();
  private boolean failed;
  /** A payload was taken since blocked producers were last told about free room. */
  private boolean payloadTaken;

  Consumer(EventRing ring, boolean fsyncOnFlush, Supplier<List<Run>> allRuns) {
    this.ring = ring;
    this.fsyncOnFlush = fsyncOnFlush;
    this.allRuns = allRuns;
  }

  private static byte[] scalarTensorHead() {
    byte[] field = DefaultSummaryWriter.tensorField(TensorProto.scalar(0f));
    return Arrays.copyOf(field, field.length - 4);
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
      t.metadataWritten = true; // once per tag and file: the general path, with the metadata
      ProtoWriter body = new ProtoWriter(SCALAR_TENSOR_HEAD.length + 4);
      body.writeRaw(SCALAR_TENSOR_HEAD);
      body.writeFixed32(floatBits);
      append(t.run, wallBits, step, t.tagField, body.toByteArray(), t.metadataField);
      return;
    }
    byte[] tail = t.scalarTail;
    if (tail == null) {
      tail = t.scalarTail = scalarTail(t.tagField);
    }
    // The generic record below, minus the work a scalar never needs.
    Run run = t.run;
    int eventLen = eventHeadSize(wallBits, step) + tail.length + 4;
    int at = run.out.skip(TfRecordFormat.framedLength(eventLen));
    byte[] b = run.out.array();
    int p = putEventHead(b, at + TfRecordFormat.HEADER_LENGTH, wallBits, step);
    System.arraycopy(tail, 0, b, p, tail.length);
    ProtoWriter.putFixed32(b, p + tail.length, floatBits);
    finishRecord(run, at, eventLen);
  }

  /**
   * The bytes of a scalar event after its step, up to the float: the summary and value headers,
   * the tag field and the tensor's fields before {@code float_val}'s four bytes.
   */
  static byte[] scalarTail(byte[] tagField) {
    int valueLen = tagField.length + SCALAR_TENSOR_HEAD.length + 4;
    ProtoWriter w = new ProtoWriter(valueLen + 8);
    w.writeLengthDelimitedHead(Event.SUMMARY, ProtoWriter.lengthDelimitedSize(Summary.VALUE, valueLen));
    w.writeLengthDelimitedHead(Summary.VALUE, valueLen);
    w.writeRaw(tagField);
    w.writeRaw(SCALAR_TENSOR_HEAD);
    return w.toByteArray();
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
    int summaryLen = ProtoWriter.lengthDelimitedSize(Summary.VALUE, valueLen);
    int eventLen = eventHeadSize(wallBits, step) + ProtoWriter.lengthDelimitedSize(Event.SUMMARY, summaryLen);
    int at = run.out.skip(TfRecordFormat.framedLength(eventLen));
    byte[] b = run.out.array();
    int p = putEventHead(b, at + TfRecordFormat.HEADER_LENGTH, wallBits, step);
    p = ProtoWriter.putLengthDelimitedHead(b, p, Event.SUMMARY, summaryLen);
    p = ProtoWriter.putLengthDelimitedHead(b, p, Summary.VALUE, valueLen);
    System.arraycopy(tagField, 0, b, p, tagField.length);
    p += tagField.length;
    System.arraycopy(body, 0, b, p, body.length);
    p += body.length;
    if (meta != null) {
      System.arraycopy(meta, 0, b, p, metaLen);
    }
    finishRecord(run, at, eventLen);
  }

  /** Appends one framed Event { wall_time, step, what }: an event without a summary. */
  private void bare(Items.Bare item, long step, long wallBits) throws IOException {
    if (failed) {
      return;
    }
    Run run = item.run();
    byte[] what = item.what();
    int eventLen = eventHeadSize(wallBits, step) + what.length;
    int at = run.out.skip(TfRecordFormat.framedLength(eventLen));
    byte[] b = run.out.array();
    int p = putEventHead(b, at + TfRecordFormat.HEADER_LENGTH, wallBits, step);
    System.arraycopy(what, 0, b, p, what.length);
    finishRecord(run, at, eventLen);
  }

  /** The bytes of {@code Event.wall_time} and {@code Event.step}, each left out at 0 as proto3 does. */
  private static int eventHeadSize(long wallBits, long step) {
    return (wallBits != 0 ? ProtoWriter.tagSize(Event.WALL_TIME) + 8 : 0)
        + (step != 0 ? ProtoWriter.tagSize(Event.STEP) + ProtoWriter.varintSize(step) : 0);
  }

  /** Writes {@code Event.wall_time} and {@code Event.step} at {@code b[p]}; returns the position after them. */
  private static int putEventHead(byte[] b, int p, long wallBits, long step) {
    if (wallBits != 0) {
      p = ProtoWriter.putFixed64(b, ProtoWriter.putTag(b, p, Event.WALL_TIME, ProtoReader.I64), wallBits);
    }
    if (step != 0) {
      p = ProtoWriter.putVarint64(b, ProtoWriter.putTag(b, p, Event.STEP, ProtoReader.VARINT), step);
    }
    return p;
  }

  /**
   * Frames the {@code eventLen} bytes of event written after the header at {@code at} (room for
   * the whole record was made) and queues its run for writing.
   */
  private void finishRecord(Run run, int at, int eventLen) throws IOException {
    TfRecordFormat.frameInPlace(crc, run.out.array(), at, eventLen);
    if (!run.queuedForWrite) {
      run.queuedForWrite = true;
      toWrite.add(run);
      if (!run.seen) {
        run.seen = true;
        seen.add(run);
      }
    }
    if (run.out.size() >= WRITE_THRESHOLD) {
      ring.clockMillis = EventRing.CLOCK_STALE;
      run.writeBuffered();
    }
  }

  // ---- writing ----

  private void writeQueued() {
    try {
      for (int i = 0; i < toWrite.size(); i++) {
        Run r = toWrite.get(i);
        r.queuedForWrite = false;
        if (r.out.size() > 0 && !r.closed) {
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
      if (!failed && r.out.size() > 0) {
        r.writeBuffered();
      }
      if (!failed && fsyncOnFlush && r.unsynced) {
        r.sync();
      }
    } finally {
      r.closed = true;
      r.out.reset();
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
