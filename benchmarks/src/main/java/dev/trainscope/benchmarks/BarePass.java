package dev.trainscope.benchmarks;

import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for a whole-process read of an event file: a fresh JVM that frames every record and
 * checks both CRCs (the events module's {@link RecordScanner}), decodes nothing, and prints the
 * record count. Issue 22 holds {@code trainscope inspect --json} of the 2,000,001-event scalar file
 * to at most 5 times this.
 *
 * <p>{@code java -cp <trainscope-events jar>:benchmarks/target/classes
 * dev.trainscope.benchmarks.BarePass FILE}; {@code BarePass --generate DIR} writes the file
 * (tensor-style, 20 tags x 100,000 steps, as {@code ReaderBenchmark} reads it) and prints its path.
 */
public final class BarePass {
  private BarePass() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--generate")) {
      Path dir = Files.createDirectories(Path.of(args[1]));
      System.out.println(BenchFiles.scalars(dir, BenchFiles.Style.TENSOR, ReaderBenchmark.TAGS, ReaderBenchmark.STEPS));
      return;
    }
    if (args.length != 1) {
      System.err.println("usage: BarePass FILE | BarePass --generate DIR");
      System.exit(2);
    }
    long[] records = {0};
    ScanResult r = RecordScanner.create().scan(Path.of(args[0]), ScanPosition.START,
        (offset, buf, off, len) -> records[0]++, p -> System.err.println(p));
    System.out.println(records[0] + " records, " + r.next().offset() + " bytes"
        + (r.lengthCrcErrors() + r.dataCrcErrors() > 0 ? ", crc errors" : ""));
  }
}
