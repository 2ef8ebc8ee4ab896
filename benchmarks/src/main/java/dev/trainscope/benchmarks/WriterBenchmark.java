package dev.trainscope.benchmarks;

import dev.trainscope.writer.SummaryWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Logging scalars with the {@link SummaryWriter}, side by side with {@link WriterBaseline}, the
 * straightforward design (an {@code ArrayBlockingQueue} of event objects, generic encoding): what a
 * call costs the training thread, and how many scalars per second reach the file. Four tags in
 * turn, as a training loop logs loss, accuracy, learning rate and a gradient norm.
 *
 * <ul>
 *   <li>{@code scalarBurst}: (a) ns per call while the queue has room, bursts of {@value #BURST}
 *       calls into a 32,768-slot queue that is flushed between bursts: the caller's own cost;
 *   <li>{@code scalarSustained}: ns per call in an endless loop: the queue stays full, so this is
 *       the background thread's cost per scalar, paid by the caller as back-pressure;
 *   <li>{@code writeAndFlush}: (b) {@value #N} scalars then {@code flush()}, in a new file each
 *       time: ns per scalar until all are in the file; scalars/s = 1e9 / score.
 * </ul>
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar WriterBenchmark -rf json -rff target/writer.json && python3
 * benchmarks/medians.py target/writer.json}
 *
 * <p>Medians, 2 forks, 2026-11-26, AMD EPYC (Zen 3, {@code lscpu} model name "AMD EPYC"), 2 cores
 * under KVM, 24 GB, OpenJDK 17.0.15, ext4. "Quiet": nothing else running (load average 2, the
 * benchmark's own two threads); "loaded": the same two cores shared with another build running
 * its tests (load average 4.5).
 *
 * <pre>
 *                          SummaryWriter               ArrayBlockingQueue baseline
 *                          quiet        loaded         quiet        loaded
 *   scalarBurst            53 ns/call    56 ns/call    101 ns/call  103 ns/call
 *   scalarSustained       101 ns/call   135 ns/call    255 ns/call  304 ns/call
 *   writeAndFlush         107 ns/scalar 118 ns/scalar  209 ns/scalar 327 ns/scalar
 *     = scalars/s         9.4 M         8.5 M          4.8 M        3.1 M
 * </pre>
 *
 * Thread CPU time per scalar, measured beside it: 30-40 ns on the calling thread, 70-90 ns on the
 * writer thread (about 30 ns of it in the write system call), so the sustained rate is bound by
 * the writer thread.
 */
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WriterBenchmark {
  static final int N = 5_000_000;
  static final int BURST = 20_000;
  static final String[] TAGS = {"train/loss", "train/accuracy", "train/lr", "grad/norm"};

  /** A writer of one kind in a fresh directory, removed afterwards. */
  @State(Scope.Benchmark)
  public static class Target {
    @Param({"SummaryWriter", "ArrayBlockingQueue"})
    public String writer;

    Path dir;
    SummaryWriter summaryWriter;
    WriterBaseline baseline;
    long step;

    void open() throws IOException {
      dir = Files.createTempDirectory("trainscope-writer-bench");
      if (writer.equals("SummaryWriter")) {
        summaryWriter = SummaryWriter.create(dir);
      } else {
        baseline = new WriterBaseline(dir.resolve("events.out.tfevents.baseline"), SummaryWriter.Builder.DEFAULT_QUEUE_CAPACITY);
      }
      step = 0;
    }

    void scalar(String tag, double value, long step) {
      if (summaryWriter != null) {
        summaryWriter.scalar(tag, value, step);
      } else {
        baseline.scalar(tag, value, step);
      }
    }

    void flush() {
      if (summaryWriter != null) {
        summaryWriter.flush();
      } else {
        baseline.flush();
      }
    }

    void closeAndDelete() throws Exception {
      if (summaryWriter != null) {
        summaryWriter.close();
        summaryWriter = null;
      } else {
        baseline.close();
        baseline = null;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Per iteration, so that a measurement's file never grows past a few hundred MB. */
  @State(Scope.Benchmark)
  public static class SustainedState extends Target {
    @Setup(Level.Iteration)
    public void setup() throws IOException {
      open();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
      closeAndDelete();
    }
  }

  /** One writer per fork; each burst starts with an empty queue (flushed outside the measurement). */
  @State(Scope.Benchmark)
  public static class BurstState extends Target {
    @Setup(Level.Trial)
    public void setup() throws IOException {
      open();
    }

    @Setup(Level.Iteration)
    public void drain() {
      flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      closeAndDelete();
    }
  }

  /** Per invocation: each measured invocation writes N scalars into a new file. */
  @State(Scope.Benchmark)
  public static class ThroughputState extends Target {
    @Setup(Level.Invocation)
    public void setup() throws IOException {
      open();
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws Exception {
      closeAndDelete();
    }
  }

  /**
   * (a) What one scalar() costs the training thread while the queue has room: a burst of {@value
   * #BURST} calls (fewer than the queue holds) timed as a whole, four tags per step. Score: ns per
   * call.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BURST)
  @Warmup(iterations = 300)
  @Measurement(iterations = 200)
  public void scalarBurst(BurstState s) {
    long step = s.step;
    for (int i = 0; i < BURST; i++) {
      s.scalar(TAGS[i & 3], i * 0.5, step + (i >> 2));
    }
    s.step = step + BURST;
  }

  /**
   * (a') The same call in a loop that never stops: the queue is full, so a call costs what the
   * background thread needs to write one scalar. Score: ns per call.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 4, time = 1)
  @Measurement(iterations = 8, time = 1)
  public void scalarSustained(SustainedState s) {
    long step = s.step++;
    s.scalar(TAGS[(int) step & 3], step * 0.5, step >> 2);
  }

  /** (b) N scalars, then flush: the time until all of them are in the file. Score: ns per scalar. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(N)
  @Warmup(iterations = 3)
  @Measurement(iterations = 8)
  public void writeAndFlush(ThroughputState s) {
    for (int i = 0; i < N; i++) {
      s.scalar(TAGS[i & 3], i * 0.5, i >> 2);
    }
    s.flush();
  }
}
