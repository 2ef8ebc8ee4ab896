package dev.trainscope.benchmarks;

import dev.trainscope.data.RunStore;
import dev.trainscope.data.ScalarBuckets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 1,000-bucket query over a 10-million-point scalar series held by the run store: the whole
 * range (what a chart asks first), and zooms to its middle tenth (1,000,000 points), twentieth
 * (500,000), 240,000 points (just under 250 blocks: the most a 1,000-bucket query decodes) and 60,000.
 * Microseconds per query.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar QueryBenchmark}; results in
 * BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class QueryBenchmark {
  static final int STEPS = 10_000_000;
  private RunStore store;
  private String run;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "trainscope-bench", "query-10m");
    if (!Files.exists(dir.resolve("run_0000"))) {
      GenerateLogdir.writeRun(dir.resolve("run_0000"), 0, 1, STEPS, 0.001, 1e6);
    }
    store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
    store.reload();
    run = "run_0000";
    long n = store.tag(run, "train/metric_0").count();
    if (n != STEPS) {
      throw new IllegalStateException("series has " + n + " points");
    }
  }

  @TearDown
  public void close() throws IOException {
    store.close();
  }

  @Benchmark
  public ScalarBuckets wholeRange1000Buckets() {
    return store.scalarBuckets(run, "train/metric_0", Long.MIN_VALUE, Long.MAX_VALUE, 1000);
  }

  @Benchmark
  public ScalarBuckets zoomedTwentieth1000Buckets() {
    return store.scalarBuckets(run, "train/metric_0", 4_750_000, 5_249_999, 1000);
  }

  @Benchmark
  public ScalarBuckets zoomed240kPoints1000Buckets() {
    return store.scalarBuckets(run, "train/metric_0", 4_880_000, 5_119_999, 1000);
  }

  @Benchmark
  public ScalarBuckets zoomed60kPoints1000Buckets() {
    return store.scalarBuckets(run, "train/metric_0", 4_970_000, 5_029_999, 1000);
  }

  @Benchmark
  public ScalarBuckets zoomedTenth1000Buckets() {
    return store.scalarBuckets(run, "train/metric_0", 4_500_000, 5_499_999, 1000);
  }
}
