package dev.trainscope.benchmarks;

import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resynchronising through a corrupt event file: one valid record, then {@value #FILE_MIB} MiB of
 * random bytes or of zeros (made at setup in the temp folder, deleted at teardown), scanned with
 * both checksums checked in the run store's 4 MB chunks, one thread, warm page cache. One
 * operation is one MiB, so the score is MiB per second of garbage searched.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ResyncBenchmark -rf json -rff
 * /tmp/bench/resync.json}. Figures in BENCHMARKS.md ("Corrupt files").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ResyncBenchmark {
  static final int FILE_MIB = 256;
  static final long CHUNK = 4L << 20;

  @Param({"random", "zeros"})
  public String garbage;

  private Path file;
  private final RecordScanner scanner = RecordScanner.create();

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "trainscope-bench");
    Files.createDirectories(dir);
    file = Files.createTempFile(dir, "resync-" + garbage + "-", ".tfevents");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(TfRecordFormat.frame(new Event(1.7e9, 0, new Event.FileVersion("brain.Event:2"), null).toByteArray()));
      byte[] block = new byte[1 << 20];
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < FILE_MIB; i++) {
        if (garbage.equals("random")) {
          for (int j = 0; j < block.length; j += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) {
              block[j + k] = (byte) (v >>> (8 * k));
            }
          }
        }
        out.write(block);
      }
    }
    scan(); // the page cache
  }

  @TearDown(Level.Trial)
  public void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  @OperationsPerInvocation(FILE_MIB)
  public long scan() throws IOException {
    long records = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ScanPosition at = ScanPosition.START;
      ScanResult r;
      do {
        r = scanner.scan(ch, "garbage", at, CHUNK, (offset, buffer, dataOffset, dataLength) -> { }, p -> { });
        records += r.records();
        at = r.next();
      } while (r.reachedLimit());
    }
    if (records != 1) {
      throw new IllegalStateException("found " + records + " records, expected the first one only");
    }
    return records;
  }
}
