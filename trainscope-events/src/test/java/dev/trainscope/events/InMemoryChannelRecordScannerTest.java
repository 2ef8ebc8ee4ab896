package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The framing contract over an in-memory {@link java.nio.channels.SeekableByteChannel}, once with
 * reads that return all that was asked for and once with reads of at most 7 bytes, as a network
 * range reader may return them; plus what only a channel can show: read failures part way, and
 * that the scanner leaves a caller's channel open.
 */
class InMemoryChannelRecordScannerTest extends RecordScannerContract {

  @Override
  Source source(byte[] content) {
    return source(content, Integer.MAX_VALUE);
  }

  static Source source(byte[] content, int maxChunk) {
    InMemoryChannel channel = new InMemoryChannel(content, maxChunk);
    return new Source() {
      @Override
      public ScanResult scan(RecordScanner scanner, ScanPosition from, Records.Log log) {
        return scanner.scan(channel, "memory", from, log, log);
      }

      @Override
      public void append(byte[] bytes) {
        channel.append(bytes);
      }
    };
  }

  @Nested
  class ShortReads extends RecordScannerContract {
    @Override
    Source source(byte[] content) {
      return InMemoryChannelRecordScannerTest.source(content, 7);
    }
  }

  @Test
  void scan_readFailsPartWay_reportsIoErrorAndNextIsFirstUnreadRecord() {
    List<byte[]> records = Records.numbered(new Random(3), 20, 30, 40, 50, 60);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    for (RecordScanner scanner : SCANNERS) {
      InMemoryChannel channel = new InMemoryChannel(file, 7).failReadsFrom(at[3] + 5);
      Records.Log log = new Records.Log();
      ScanResult r = scanner.scan(channel, "memory", ScanPosition.START, log, log);
      assertEquals(Records.expected(records).subList(0, 3), log.records);
      assertEquals(List.of(Problem.Kind.IO_ERROR), log.kinds());
      assertEquals(ScanPosition.at(at[3]), r.next());

      log.clear();
      ScanResult again = scanner.scan(new InMemoryChannel(file, 7), "memory", r.next(), log, log);
      assertEquals(Records.expected(records).subList(3, 5), log.records, "resumed once reads work again");
      assertEquals(List.of(), log.problems);
      assertEquals(ScanPosition.at(file.length), again.next());
    }
  }

  @Test
  void scan_leavesTheCallersChannelOpen() {
    byte[] file = Records.file(Records.numbered(new Random(4), 20, 30));
    InMemoryChannel channel = new InMemoryChannel(file, Integer.MAX_VALUE);
    Records.Log log = new Records.Log();
    RecordScanner.create().scan(channel, "memory", ScanPosition.START, log, log);
    assertTrue(channel.isOpen());
    RecordScanner.create().scan(channel, "memory", ScanPosition.START, log, log);
    assertEquals(4, log.records.size(), "the same channel scanned twice");
  }
}
