package dev.trainscope.benchmarks;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.ValueView;
import dev.trainscope.events.proto.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading a scalar-heavy event file: 20 tags x 100,000 steps (2,000,001 events with the
 * file-version record), both CRCs checked, on one thread. Scores are events per second.
 *
 * <p>Side by side: {@code lazyScalars} (the EventScanner as the store uses it: tag and number of
 * each value, nothing else decoded), {@code eagerDecode} (every record parsed into an {@link Event}
 * object graph, as a generated-protobuf reader would), {@code framingOnly} (the TFRecord layer
 * alone: both CRCs, no decoding), and {@code lazyScalarsNoCrc} (checksums off).
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ReaderBenchmark -rf json -rff target/reader.json} then
 * {@code python3 benchmarks/medians.py target/reader.json}.
 *
 * <p>Medians of 10 iterations (2 forks x 5), 2026-11-26, AMD EPYC (Zen 3), 2 cores under KVM,
 * OpenJDK 17.0.15; events per second:
 *
 * <pre>
 *                      simple_value file   tensor-style file
 *   lazyScalars        11.6 M              8.5 M  (10.3 M in an earlier run the same day)
 *   lazyScalarsNoCrc   13.2 M             10.6 M
 *   eagerDecode         5.9 M              3.7 M
 *   framingOnly        32.2 M             33.1 M
 * </pre>
 *
 * <p>2026-11-27, with the scanner's byte-pattern path for one-value scalar events, same machine:
 *
 * <pre>
 *                      simple_value file   tensor-style file
 *   lazyScalars        14.3 M             14.1 M
 *   lazyScalarsNoCrc   16.0 M             14.2 M
 *   eagerDecode         5.9 M              3.4 M
 *   framingOnly        23.9 M             25.0 M
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReaderBenchmark {
  static final int TAGS = 20;
  static final int STEPS = 100_000;
  static final int EVENTS = TAGS * STEPS + 1;

  @Param({"SIMPLE_VALUE", "TENSOR"})
  public BenchFiles.Style style;

  private Path file;
  private final EventScanner scanner = EventScanner.create();
  private final EventScanner scannerNoCrc = EventScanner.create(RecordScanner.create(false, RecordScanner.DEFAULT_BUFFER_SIZE));
  private final RecordScanner framing = RecordScanner.create();

  @Setup
  public void setup() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "trainscope-bench");
    Files.createDirectories(dir);
    file = BenchFiles.scalars(dir, style, TAGS, STEPS);
  }

  /** Sums each tag's values: what a loader that keeps scalars does with every value. */
  static final class ScalarSink implements EventHandler {
    final Blackhole bh;
    long values;

    ScalarSink(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void onEvent(EventView e) {
      bh.consume(e.step());
      bh.consume(e.wallTime());
    }

    @Override
    public void onValue(EventView e, ValueView v) {
      if (v.isScalar()) {
        bh.consume(v.tag());
        bh.consume(v.scalar());
        values++;
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long lazyScalars(Blackhole bh) throws IOException {
    ScalarSink sink = new ScalarSink(bh);
    ScanResult r = scanner.scan(file, ScanPosition.START, sink);
    return check(r, sink.values);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long lazyScalarsNoCrc(Blackhole bh) throws IOException {
    ScalarSink sink = new ScalarSink(bh);
    ScanResult r = scannerNoCrc.scan(file, ScanPosition.START, sink);
    return check(r, sink.values);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long eagerDecode(Blackhole bh) throws IOException {
    long[] n = {0};
    framing.scan(file, ScanPosition.START, (offset, buf, off, len) -> {
      bh.consume(Event.parse(buf, off, len));
      n[0]++;
    }, p -> {
      throw new IllegalStateException(p.toString());
    });
    return n[0];
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long framingOnly(Blackhole bh) throws IOException {
    ScanResult r = framing.scan(file, ScanPosition.START, (offset, buf, off, len) -> bh.consume(offset), p -> {
      throw new IllegalStateException(p.toString());
    });
    return r.records();
  }

  private static long check(ScanResult r, long values) {
    if (r.records() != EVENTS || values != EVENTS - 1) {
      throw new IllegalStateException("read " + r.records() + " records, " + values + " values");
    }
    return values;
  }
}
