package dev.trainscope.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The framing contract over a real file, read through {@link RecordScanner#scan(Path, ScanPosition, RecordScanner.RecordHandler, java.util.function.Consumer)}. */
class FileChannelRecordScannerTest extends RecordScannerContract {
  @TempDir
  Path dir;

  private final AtomicInteger files = new AtomicInteger();

  @Override
  Source source(byte[] content) throws IOException {
    Path file = dir.resolve("events.out.tfevents.1700000000.test." + files.incrementAndGet());
    Files.write(file, content);
    return new Source() {
      @Override
      public ScanResult scan(RecordScanner scanner, ScanPosition from, Records.Log log) throws IOException {
        return scanner.scan(file, from, log, log);
      }

      @Override
      public void append(byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
      }
    };
  }
}
