package dev.trainscope.writer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The bounded queue between the threads that log and the writer's one consumer thread: a ring with
 * per-slot sequence numbers, after Dmitry Vyukov's bounded MPMC queue and the LMAX Disruptor,
 * specialised to many producers and one consumer. Slot {@code i} lives in three dense arrays, so
 * that one cache line carries several entries from the logging core to the consumer's:
 *
 * <pre>
 *   seqs[i]                     the slot's state for claim s (i = s &amp; mask):
 *                                 s        free for the producer that claimed s
 *                                 s + 1    published: the consumer may take it
 *                                 s + cap  taken: free for claim s + cap
 *   data[3i], data[3i+1], data[3i+2]   step, wall time bits, value bits
 *   items[i]                    the Tag of a scalar, or a payload or control item
 * </pre>
 *
 * A scalar travels as primitives, so logging one allocates nothing. Producers claim with one
 * getAndAdd on {@code tail}; a producer whose slot is still taken waits until an eighth of the ring
 * is free again (back-pressure with hysteresis: never dropping, and not chasing the consumer slot by
 * slot, which would bounce every cache line between the two cores), spinning briefly, then asleep
 * on a condition the consumer signals when it frees room. Closing adds {@link #CLOSED} to
 * the tail: every claim after that sees it and fails, and the consumer knows exactly which claims it
 * still has to drain.
 *
 * <p>The consumer parks when it finds nothing to do, for at most {@link #MAX_PARK_NANOS}; producers
 * wake it at once for flushes, closes and large payloads, and for scalars every {@code capacity/4}
 * claims, so that a burst cannot fill the ring while it sleeps, and logging a scalar normally costs
 * no system call.
 */
final class EventRing extends EventRingFields {
  static final long CLOSED = 1L << 62;
  static final long CLOCK_STALE = Long.MIN_VALUE;
  static final long MAX_PARK_NANOS = 10_000_000L;
  /** Spins of a producer before it blocks. */
  private static final int SPINS = 100;
  /** A blocked producer looks again this often even unsignalled: a safety net, not the mechanism. */
  private static final long BLOCK_CHECK_NANOS = 10_000_000L;

  private static final VarHandle TAIL;
  static final VarHandle SEQS = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(EventRingTail.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final long[] seqs;
  final long[] data;
  final Object[] items;
  final int capacity;
  final int mask;
  private final int wakeMask;
  /** How far ahead of its own slot a blocked producer waits for free room. */
  final int hysteresis;
  /** What the queue belongs to, for messages. */
  private final String owner;
  /** Bytes of payloads queued and not yet taken by the consumer. */
  final AtomicLong pendingBytes = new AtomicLong();
  private final long maxPendingBytes;
  volatile Thread consumer;
  private final AtomicInteger waiters = new AtomicInteger();
  private final ReentrantLock gate = new ReentrantLock();
  private final Condition room = gate.newCondition();
  /** The tail when the ring was closed; -1 while open. */
  volatile long closeAt = -1;
  /** Set when the consumer thread has ended, normally after a close. */
  volatile boolean consumerDone;

  EventRing(int capacity, long maxPendingBytes, String owner) {
    if (Integer.bitCount(capacity) != 1 || capacity < 2) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2, was " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.wakeMask = Math.max(1, capacity / 4) - 1;
    this.hysteresis = capacity / 8;
    this.maxPendingBytes = maxPendingBytes;
    this.owner = owner;
    seqs = new long[capacity];
    data = new long[3 * capacity];
    items = new Object[capacity];
    for (int i = 0; i < capacity; i++) {
      seqs[i] = i;
    }
  }

  // ---- producers ----

  /**
   * Claims the next slot. Throws {@link UncheckedIOException} when the consumer failed to write,
   * and {@link IllegalStateException} when the ring is closed; {@code what} (whose {@code toString}
   * is called only then) says what was not logged.
   */
  long claim(Object what) {
    Throwable f = failure;
    if (f != null) {
      throw failedEarlier(f, what);
    }
    long seq = (long) TAIL.getAndAdd((EventRingTail) this, 1L);
    if (seq >= CLOSED) {
      throw closed(what);
    }
    return seq;
  }

  /** Claims the next slot, or returns -1 when the ring is closed. */
  long tryClaim() {
    long seq = (long) TAIL.getAndAdd((EventRingTail) this, 1L);
    return seq >= CLOSED ? -1 : seq;
  }

  /** Throws as {@link #claim} would, without claiming: for calls that prepare a large value first. */
  void checkOpen(Object what) {
    Throwable f = failure;
    if (f != null) {
      throw failedEarlier(f, what);
    }
    if ((long) TAIL.getVolatile((EventRingTail) this) >= CLOSED) {
      throw closed(what);
    }
  }

  /**
   * Fills the claimed slot and hands it to the consumer. A claimed slot must always be published:
   * the consumer takes slots in order and would wait for it forever.
   */
  void publish(long seq, Object item, long step, long wallBits, long valueBits, boolean urgent) {
    int i = (int) seq & mask;
    if ((long) SEQS.getAcquire(seqs, i) != seq) {
      awaitFree(seq);
    }
    int d = 3 * i;
    data[d] = step;
    data[d + 1] = wallBits;
    data[d + 2] = valueBits;
    items[i] = item;
    if (urgent) {
      SEQS.setVolatile(seqs, i, seq + 1);
      if (sleeping) {
        wake();
      }
    } else {
      SEQS.setRelease(seqs, i, seq + 1);
      if (((int) seq & wakeMask) == 0 && sleeping) {
        wake();
      }
    }
  }

  /**
   * Waits until the consumer has taken claim {@code seq - capacity} and, when the ring is full, an
   * eighth more, so that this producer then runs a while without waiting. The slots of later claims
   * are free once a later one is: the consumer frees them in order.
   */
  private void awaitFree(long seq) {
    wake();
    long target = seq + hysteresis;
    int at = (int) target & mask;
    // The slot of claim `target` is free once the consumer took claim target - capacity; it took
    // seq - capacity before that, and the acquire read makes its release of our slot visible.
    for (int spins = 0; spins < SPINS; spins++) {
      if ((long) SEQS.getAcquire(seqs, at) >= target) {
        return;
      }
      Thread.onSpinWait();
    }
    block(() -> (long) SEQS.getAcquire(seqs, at) >= target);
  }

  /**
   * Waits until {@code bytes} more payload bytes fit under the limit. One payload always fits when
   * nothing else is pending, however large it is.
   */
  void reservePending(long bytes) {
    for (int spins = 0; ; spins++) {
      long cur = pendingBytes.get();
      if (cur == 0 || cur + bytes <= maxPendingBytes) {
        if (pendingBytes.compareAndSet(cur, cur + bytes)) {
          return;
        }
      } else if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        wake();
        block(() -> {
          long c = pendingBytes.get();
          return c == 0 || c + bytes <= maxPendingBytes;
        });
      }
    }
  }

  /**
   * Sleeps until {@code ready}, woken by the consumer's {@link #roomFreed()}: a producer that waits
   * on a full queue costs no CPU, and resumes as soon as there is room rather than after a timer.
   * Keeps (does not act on) an interrupt: a claimed slot must be published whatever happens.
   */
  private void block(BooleanSupplier ready) {
    boolean interrupted = false;
    waiters.incrementAndGet(); // a full fence: the consumer sees us, or we see its room
    gate.lock();
    try {
      while (!ready.getAsBoolean()) {
        if (consumerDone) {
          // Only after an Error killed the consumer: nothing will ever make room.
          Throwable f = failure;
          throw f != null ? failed(f) : new IllegalStateException("the writer thread of " + owner + " has ended");
        }
        wake();
        try {
          room.awaitNanos(BLOCK_CHECK_NANOS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      gate.unlock();
      waiters.decrementAndGet();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Called by the consumer after it freed slots or payload bytes: at the latest when the ring runs
   * empty, so that no producer waits for room that is there.
   */
  void roomFreed() {
    VarHandle.fullFence(); // order the frees before reading waiters (Dekker with block())
    if (waiters.get() > 0) {
      gate.lock();
      try {
        room.signalAll();
      } finally {
        gate.unlock();
      }
    }
  }

  /**
   * The system clock in seconds, with millisecond resolution: the consumer's reading while it is
   * busy with scalars (at most one batch old), else a fresh one.
   */
  double systemSeconds() {
    long m = clockMillis;
    return (m != CLOCK_STALE ? m : System.currentTimeMillis()) / 1000.0;
  }

  void wake() {
    Thread c = consumer;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }

  /** Closes the ring to new claims; returns false if it was already closed. */
  boolean close() {
    long t = (long) TAIL.getAndAdd((EventRingTail) this, CLOSED);
    if (t >= CLOSED) {
      return false;
    }
    closeAt = t;
    wake();
    return true;
  }

  // ---- failure ----

  /** Remembers the first failure of the consumer. */
  void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  Throwable failure() {
    return failure;
  }

  UncheckedIOException failedEarlier(Throwable f, Object what) {
    return new UncheckedIOException("writing events to " + owner + " failed earlier (" + f + "); " + what
        + " was not logged", asIOException(f));
  }

  UncheckedIOException failed(Throwable f) {
    return new UncheckedIOException("writing events to " + owner + " failed: " + f, asIOException(f));
  }

  private static IOException asIOException(Throwable f) {
    return f instanceof IOException io ? io : new IOException(f);
  }

  IllegalStateException closed(Object what) {
    return new IllegalStateException("SummaryWriter for " + owner + " is closed; " + what + " was not logged");
  }
}

/** Padding before the tail, so that it has a cache line of its own. */
abstract class EventRingPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The next sequence number to claim, plus {@link EventRing#CLOSED} once closed. */
abstract class EventRingTail extends EventRingPad0 {
  volatile long tail;
  /** Read by producers on every call, written once: kept beside the tail they write anyway. */
  volatile Throwable failure;
}

abstract class EventRingPad1 extends EventRingTail {
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Written by the consumer: read by producers, kept away from the tail they write. */
abstract class EventRingFields extends EventRingPad1 {
  /** Set around the consumer's parks. */
  volatile boolean sleeping;
  /**
   * The system clock in milliseconds as the consumer read it before its current batch of scalars,
   * or {@link EventRing#CLOCK_STALE} while it sleeps, writes or does anything else that may take
   * long. Producers use it instead of reading the clock themselves (35-40 ns in a VM).
   */
  volatile long clockMillis = EventRing.CLOCK_STALE;
  long p20, p21, p22, p23, p24, p25, p26, p27;
}
