package dev.trainscope.data;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Leaves a core to the JIT compiler while it is busy, in a fresh process: until then, the loaders
 * beyond cores - 1 wait (on a 2-core machine, one loads). A fresh JVM runs the loading code in the
 * interpreter and C1 until C2 has compiled it, and on two cores the compiler threads share them
 * with the loaders: the compiled code arrived later, and the loaders meanwhile spent the CPU at a
 * tenth of their later speed. BENCHMARKS.md has the measured effect on a 100-run logdir.
 *
 * <p>The compiler counts as busy while its threads' compile time grows by more than {@link
 * #BUSY} of the wall time over the last {@link #WINDOW} samples, taken every {@link
 * #SAMPLE_MILLIS} ms by a waiting loader (a compile's time is counted when it ends, so one short
 * window looks quiet during a long compile). The gate opens for good when the compiler is not
 * busy, or after {@link #MAX_HOLD_MILLIS} ms, or at once when the JVM does not report compile
 * times; once open it stays open for every store of the process, since the JIT warms up once.
 */
final class WarmUpGate {
  static final double BUSY = 0.5;
  static final long SAMPLE_MILLIS = 50;
  static final int WINDOW = 4;
  static final long MAX_HOLD_MILLIS = 1500;

  /** Whether the JIT of a process has warmed up: shared by the stores of the process. */
  static final class Jit {
    volatile boolean warm;
  }

  private static final Jit PROCESS = new Jit();

  private final Jit jit;
  /** Loaders allowed at once while the JIT is busy. */
  private final int limit;
  /** False when nothing is ever held: too few loaders to hold one, or no compile times. */
  private final boolean gated;
  private final LongSupplier compileMillis;
  private final long maxHoldNanos;
  private int running;
  /** The last 8 samples of the time and of the compilers' total time, and how many were taken. */
  private final long[] times = new long[8];
  private final long[] compiles = new long[8];
  private int samples;
  private long firstNanos;

  /** The gate of a store with a pool of {@code loaders} threads in this process. */
  static WarmUpGate forProcess(int loaders) {
    return forProcess(loaders, 1);
  }

  /**
   * The gate of a store whose loaders each keep a core busy a {@code 1 / perCore} of the time (they
   * wait for object storage the rest): {@code perCore} loaders count as one core.
   */
  static WarmUpGate forProcess(int loaders, int perCore) {
    CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
    LongSupplier compile = bean != null && bean.isCompilationTimeMonitoringSupported()
        ? bean::getTotalCompilationTime : null;
    return new WarmUpGate(loaders, Runtime.getRuntime().availableProcessors() * perCore - (perCore - 1), compile,
        PROCESS, MAX_HOLD_MILLIS);
  }

  /**
   * @param compileMillis the compilers' total time so far, in ms (null: not known, never hold)
   * @param jit where the process's warmth is kept
   */
  WarmUpGate(int loaders, int cores, LongSupplier compileMillis, Jit jit, long maxHoldMillis) {
    this.jit = jit;
    this.limit = Math.max(1, Math.min(loaders, cores - 1));
    this.gated = compileMillis != null && limit < loaders;
    this.compileMillis = compileMillis;
    this.maxHoldNanos = maxHoldMillis * 1_000_000;
  }

  /**
   * Called by a loader before it loads: returns at once when the gate is open or there is room,
   * else waits until either. Returns whether the loader was counted (then it must call {@link
   * #exit} when done).
   */
  boolean enter() {
    if (!gated || jit.warm) {
      return false;
    }
    synchronized (this) {
      if (samples == 0) {
        firstNanos = System.nanoTime();
        times[0] = firstNanos;
        compiles[0] = compileMillis.getAsLong();
        samples = 1;
      }
      while (!jit.warm && running >= limit) {
        try {
          wait(SAMPLE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false; // the pool is shutting down: the load finds out
        }
        sample();
      }
      if (jit.warm) {
        return false;
      }
      running++;
      return true;
    }
  }

  /** A counted loader is done with its load. */
  synchronized void exit() {
    running--;
    notifyAll();
  }

  private void sample() {
    long now = System.nanoTime();
    if (now - times[(samples - 1) & 7] < SAMPLE_MILLIS * 1_000_000 / 2) {
      return;
    }
    times[samples & 7] = now;
    compiles[samples & 7] = compileMillis.getAsLong();
    samples++;
    int from = Math.max(0, samples - 1 - WINDOW);
    double busy = (compiles[(samples - 1) & 7] - compiles[from & 7]) * 1e6
        / Math.max(1, times[(samples - 1) & 7] - times[from & 7]);
    if (samples > WINDOW && busy < BUSY || now - firstNanos > maxHoldNanos) {
      jit.warm = true;
      notifyAll();
    }
  }
}
