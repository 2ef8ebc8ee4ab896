package dev.trainscope.benchmarks;

import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run store's load throughput in a warmed-up JVM: each invocation loads a generated log
 * directory of {@value #RUNS} runs x 20 scalar tags x 50,000 steps (20 M events, 1.26 GB, the
 * runs of {@link LoadLogdir}'s 100-run logdir) into a new store with {@code threads} loaders and
 * closes it. The score is events per second ({@link OperationsPerInvocation} counts events). The
 * page cache is warm: the files are read once before the first iteration.
 *
 * <p>{@link LoadLogdir} measures the same in a fresh process, where the JIT compiler's work lands
 * inside the load. Run: {@code java -jar benchmarks/target/benchmarks.jar LoadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class LoadBenchmark {
  static final int RUNS = 20;
  static final int TAGS = 20;
  static final int STEPS = 50_000;
  static final long EVENTS = (long) RUNS * TAGS * STEPS;

  @Param({"2"})
  public int threads;

  private Path dir;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Path.of(System.getProperty("java.io.tmpdir"), "trainscope-bench", "load-20");
    for (int r = 0; r < RUNS; r++) {
      Path run = dir.resolve(String.format(Locale.ROOT, "run_%04d", r));
      if (!Files.exists(run)) {
        GenerateLogdir.writeRun(run, r, TAGS, STEPS, 0.001, 1e6);
      }
    }
    load(); // the page cache
  }

  @Benchmark
  @OperationsPerInvocation(TAGS * STEPS * RUNS)
  public long load() throws InterruptedException {
    try (RunStore store = RunStore.builder().logdir(dir).threads(threads).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      long events = 0;
      for (RunInfo r : store.runs()) {
        events += r.events();
      }
      if (events != EVENTS) {
        throw new IllegalStateException("loaded " + events + " events, expected " + EVENTS);
      }
      return events;
    }
  }
}
