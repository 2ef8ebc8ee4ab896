package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trainscope.events.Records.Delivery;
import dev.trainscope.events.proto.Event;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every way of reading the TFRecord framing must do, whatever the channel underneath (as
 * Lucene's {@code BaseCompoundFormatTestCase} is extended by each format): empty and header-only
 * files, a file cut at every byte of its last record and resumed, bad length and data checksums,
 * impossible and implausible lengths, garbage tails, resuming from a resynchronising position, and
 * record sizes at the edges of the read buffer. Subclasses supply the channel.
 */
abstract class RecordScannerContract {

  /** The bytes of one file, reached through the kind of channel under test. */
  interface Source {
    ScanResult scan(RecordScanner scanner, ScanPosition from, Records.Log log) throws IOException;

    /** Adds bytes at the end, as a writer does between two scans. */
    void append(byte[] bytes) throws IOException;
  }

  /** A source holding {@code content}. */
  abstract Source source(byte[] content) throws IOException;

  static final int TINY_BUFFER = 64;
  static final RecordScanner DEFAULT = RecordScanner.create();
  static final RecordScanner TINY = RecordScanner.create(true, TINY_BUFFER);
  static final List<RecordScanner> SCANNERS = List.of(DEFAULT, TINY);

  private final Random random = new Random(0x7F5C0DEL);

  private ScanResult scan(RecordScanner scanner, byte[] content, Records.Log log) throws IOException {
    return source(content).scan(scanner, ScanPosition.START, log);
  }

  private static String name(RecordScanner s) {
    return s == TINY ? "64-byte buffer" : "default buffer";
  }

  private static List<Delivery> without(List<Delivery> all, int index) {
    List<Delivery> out = new ArrayList<>(all);
    out.remove(index);
    return out;
  }

  // ---- empty and header-only files ----

  @Test
  void scan_emptyFile_deliversNothingAndReportsNothing() throws IOException {
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, new byte[0], log);
      assertEquals(List.of(), log.records, name(scanner));
      assertEquals(List.of(), log.problems, name(scanner));
      assertEquals(ScanPosition.START, r.next());
      assertFalse(r.truncated());
      assertFalse(r.hasCorruption());
      assertEquals(0, r.records());
      assertEquals(0, r.trailingBytes());
      assertEquals(0, r.bytesRead());
    }
  }

  @Test
  void scan_headerOnlyFile_deliversTheFileVersionRecord() throws IOException {
    byte[] data = new Event(1.7957185649992790E9, 0, new Event.FileVersion("brain.Event:2"), null).toByteArray();
    byte[] file = TfRecordFormat.frame(data);
    assertEquals(40, file.length, "the size of the header-only files tensorboardX leaves");
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(List.of(new Delivery(0, data)), log.records, name(scanner));
      assertEquals(List.of(), log.problems);
      assertEquals(ScanPosition.at(40), r.next());
      assertEquals(1, r.records());
      assertEquals(40, r.bytesRead());
      assertEquals("brain.Event:2", ((Event.FileVersion) Event.parse(log.records.get(0).data()).what()).version());
    }
  }

  @Test
  void scan_validFile_deliversEveryRecordAtItsOffset() throws IOException {
    List<byte[]> records = Records.numbered(random, 24, 0, 1, 300, 77, 4, 5000, 16);
    byte[] file = Records.file(records);
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(Records.expected(records), log.records, name(scanner));
      assertEquals(List.of(), log.problems);
      assertEquals(ScanPosition.at(file.length), r.next());
      assertEquals(records.size(), r.records());
      assertEquals(file.length, r.bytesRead());
      assertEquals(0, r.trailingBytes());
      assertFalse(r.truncated());
      assertFalse(r.hasCorruption());
    }
  }

  // ---- truncation and resuming ----

  @Test
  void scan_truncatedLastRecord_resumesAtOffset() throws IOException {
    // the last record is larger than the tiny buffer, so cuts fall on both sides of a refill
    List<byte[]> records = Records.numbered(random, 30, 5, 200);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    int lastStart = (int) at[2];
    List<Delivery> expected = Records.expected(records);
    for (RecordScanner scanner : SCANNERS) {
      for (int cut = lastStart + 1; cut < file.length; cut++) {
        String where = name(scanner) + ", file cut at " + cut + " of " + file.length;
        Source source = source(Arrays.copyOf(file, cut));
        Records.Log first = new Records.Log();
        ScanResult r1 = source.scan(scanner, ScanPosition.START, first);
        assertEquals(expected.subList(0, 2), first.records, where);
        assertTrue(r1.truncated(), where);
        assertEquals(ScanPosition.at(lastStart), r1.next(), where);
        assertEquals(List.of(Problem.Kind.TRUNCATED_RECORD), first.kinds(), where);
        assertEquals(lastStart, first.problems.get(0).offset(), where);
        assertFalse(r1.hasCorruption(), where);
        assertEquals(cut - lastStart, r1.trailingBytes(), where);

        source.append(Arrays.copyOfRange(file, cut, file.length));
        Records.Log second = new Records.Log();
        ScanResult r2 = source.scan(scanner, r1.next(), second);
        assertEquals(expected.subList(2, 3), second.records, where + ", resumed");
        assertEquals(List.of(), second.problems, where + ", resumed");
        assertFalse(r2.truncated(), where);
        assertEquals(ScanPosition.at(file.length), r2.next(), where);
        assertEquals(r1.next(), r2.start(), where);
      }
    }
  }

  @Test
  void scan_fileCutAtEveryByte_deliversEachCompleteRecordExactlyOnceOverResumedScans() throws IOException {
    List<byte[]> records = Records.numbered(random, 3, 70, 0, 41);
    byte[] file = Records.file(records);
    List<Delivery> expected = Records.expected(records);
    for (RecordScanner scanner : SCANNERS) {
      for (int cut = 0; cut <= file.length; cut++) {
        String where = name(scanner) + ", cut at " + cut;
        Source source = source(Arrays.copyOf(file, cut));
        Records.Log log = new Records.Log();
        ScanResult r1 = source.scan(scanner, ScanPosition.START, log);
        assertFalse(r1.next().resynchronizing(), where);
        assertTrue(r1.next().offset() <= cut, where);
        source.append(Arrays.copyOfRange(file, cut, file.length));
        ScanResult r2 = source.scan(scanner, r1.next(), log);
        assertEquals(expected, log.records, where + ": no loss, no duplicate");
        assertEquals(ScanPosition.at(file.length), r2.next(), where);
        assertTrue(log.problems.stream().allMatch(p -> p.kind() == Problem.Kind.TRUNCATED_RECORD), where + " " + log.problems);
      }
    }
  }

  @Test
  void scan_fewerThanHeaderBytesAtEnd_isTruncatedNotCorrupt() throws IOException {
    List<byte[]> records = Records.numbered(random, 10, 20);
    byte[] whole = Records.file(records);
    byte[] file = Records.concat(whole, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(Records.expected(records), log.records);
      assertTrue(r.truncated());
      assertEquals(ScanPosition.at(whole.length), r.next());
      assertEquals(List.of(Problem.Kind.TRUNCATED_RECORD), log.kinds());
      assertFalse(r.hasCorruption());
    }
  }

  // ---- bad checksums ----

  @Test
  void scan_flippedBitInLengthOrLengthCrc_resynchronizesAtNextRecord() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 40, 33, 10);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    for (int victim = 0; victim < 3; victim++) {
      for (int bit = 0; bit < TfRecordFormat.HEADER_LENGTH * 8; bit++) {
        byte[] damaged = file.clone();
        damaged[(int) at[victim] + bit / 8] ^= (byte) (1 << (bit % 8));
        for (RecordScanner scanner : SCANNERS) {
          String where = name(scanner) + ", record " + victim + ", header bit " + bit;
          Records.Log log = new Records.Log();
          ScanResult r = scan(scanner, damaged, log);
          assertEquals(without(Records.expected(records), victim), log.records, where);
          assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.RESYNCHRONIZED), log.kinds(), where);
          assertEquals(at[victim], log.problems.get(0).offset(), where);
          assertEquals(at[victim + 1], log.problems.get(1).offset(), where);
          assertEquals(1, r.lengthCrcErrors(), where);
          assertEquals(at[victim + 1] - at[victim], r.skippedBytes(), where);
          assertEquals(ScanPosition.at(file.length), r.next(), where);
          assertTrue(r.hasCorruption(), where);
        }
      }
    }
  }

  @Test
  void scan_flippedBitInLastRecordHeader_reportsCorruptTailAndResumesSearching() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 40);
    byte[] file = Records.file(records);
    long last = Records.offsets(records)[1];
    file[(int) last + 3] ^= 0x10;
    for (RecordScanner scanner : SCANNERS) {
      Source source = source(file);
      Records.Log log = new Records.Log();
      ScanResult r = source.scan(scanner, ScanPosition.START, log);
      assertEquals(Records.expected(records).subList(0, 1), log.records);
      assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.CORRUPT_TAIL), log.kinds());
      assertEquals(last, log.problems.get(0).offset());
      assertEquals(last, log.problems.get(1).offset());
      assertTrue(r.next().resynchronizing());
      assertFalse(r.truncated(), "damage is not truncation");

      byte[] appended = Records.record(random, 9, 25);
      source.append(TfRecordFormat.frame(appended));
      log.clear();
      ScanResult r2 = source.scan(scanner, r.next(), log);
      assertEquals(List.of(new Delivery(file.length, appended)), log.records);
      assertEquals(List.of(Problem.Kind.RESYNCHRONIZED), log.kinds(), "the bad header is not reported again");
      assertEquals(file.length, log.problems.get(0).offset());
      assertEquals(ScanPosition.at(file.length + appended.length + 16), r2.next());
    }
  }

  @Test
  void scan_flippedBitInData_skipsOnlyThatRecord() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 40, 33);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    int victim = 1;
    int from = (int) at[victim] + TfRecordFormat.HEADER_LENGTH;
    for (int bit = 0; bit < (int) (at[victim + 1] - from) * 8; bit++) {
      byte[] damaged = file.clone();
      damaged[from + bit / 8] ^= (byte) (1 << (bit % 8));
      for (RecordScanner scanner : SCANNERS) {
        String where = name(scanner) + ", data or data-crc bit " + bit;
        Records.Log log = new Records.Log();
        ScanResult r = scan(scanner, damaged, log);
        assertEquals(without(Records.expected(records), victim), log.records, where);
        assertEquals(List.of(Problem.Kind.DATA_CRC_MISMATCH), log.kinds(), where);
        assertEquals(at[victim], log.problems.get(0).offset(), where);
        assertEquals(1, r.dataCrcErrors(), where);
        assertEquals(0, r.skippedBytes(), where);
        assertEquals(ScanPosition.at(file.length), r.next(), where);
      }
    }
  }

  @Test
  void scan_bytesDeletedInsideData_deliversTheUntouchedNextRecord() throws IOException {
    // A record whose header is sound but whose data lost bytes claims more than it has, so its
    // length points into the record after it: that record must not be skipped with it.
    List<byte[]> records = Records.numbered(random, 20, 60, 33, 18, 40);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    int victim = 1;
    // 49 is the whole next record: the claimed length then ends exactly where the record after it starts
    for (int deleted : new int[] {1, 5, 20, 33 + 16, 56, 66}) {
      int cutFrom = (int) at[victim] + 20;
      byte[] damaged = Records.concat(Arrays.copyOf(file, cutFrom), Arrays.copyOfRange(file, cutFrom + deleted, file.length));
      for (RecordScanner scanner : SCANNERS) {
        String where = name(scanner) + ", " + deleted + " bytes deleted";
        Records.Log log = new Records.Log();
        scan(scanner, damaged, log);
        List<Delivery> expected = new ArrayList<>();
        expected.add(Records.expected(records).get(0));
        for (int k = victim + 1; k < records.size(); k++) {
          long start = at[k] - deleted;
          if (start >= cutFrom) {
            expected.add(new Delivery(start, records.get(k)));
          }
        }
        assertEquals(expected, log.records, where);
        assertEquals(Problem.Kind.DATA_CRC_MISMATCH, log.problems.get(0).kind(), where);
        assertEquals(at[victim], log.problems.get(0).offset(), where);
      }
    }
  }

  // ---- impossible and implausible lengths ----

  @Test
  void scan_impossibleLengthWithValidCrc_isReportedWithoutAllocatingAndLaterRecordsDelivered() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 30, 40);
    long[] lengths = {1L << 60, -1L, Long.MIN_VALUE, TfRecordFormat.MAX_DATA_LENGTH + 1, 1L << 32};
    for (long length : lengths) {
      byte[] before = TfRecordFormat.frame(records.get(0));
      byte[] file = Records.concat(before, Records.header(length), TfRecordFormat.frame(records.get(1)),
          TfRecordFormat.frame(records.get(2)));
      long bad = before.length;
      long next = bad + TfRecordFormat.HEADER_LENGTH;
      for (RecordScanner scanner : SCANNERS) {
        String where = name(scanner) + ", length " + Long.toUnsignedString(length);
        Source source = source(file);
        Records.Log log = new Records.Log();
        long allocated = assertTimeout(Duration.ofSeconds(2),
            () -> allocatedBytes(() -> source.scan(scanner, ScanPosition.START, log)), where);
        assertTrue(allocated < 4 << 20, where + ": allocated " + allocated + " bytes");
        assertEquals(List.of(new Delivery(0, records.get(0)), new Delivery(next, records.get(1)),
            new Delivery(next + 16 + 30, records.get(2))), log.records, where);
        assertEquals(List.of(Problem.Kind.IMPOSSIBLE_LENGTH, Problem.Kind.RESYNCHRONIZED), log.kinds(), where);
        assertEquals(bad, log.problems.get(0).offset(), where);
        assertEquals(next, log.problems.get(1).offset(), where);
      }
    }
  }

  @Test
  void scan_plausibleLengthRunningPastEof_isTruncatedWithoutAllocatingIt() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 30);
    byte[] valid = Records.file(records);
    for (long length : new long[] {1L << 30, TfRecordFormat.MAX_DATA_LENGTH, 200}) {
      byte[] tail = new byte[100];
      random.nextBytes(tail);
      byte[] file = Records.concat(valid, Records.header(length), tail);
      for (RecordScanner scanner : SCANNERS) {
        String where = name(scanner) + ", length " + length;
        Source source = source(file);
        Records.Log log = new Records.Log();
        ScanResult[] r = new ScanResult[1];
        long allocated = allocatedBytes(() -> r[0] = source.scan(scanner, ScanPosition.START, log));
        assertTrue(allocated < 4 << 20, where + ": allocated " + allocated + " bytes");
        assertEquals(Records.expected(records), log.records, where);
        assertTrue(r[0].truncated(), where);
        assertEquals(ScanPosition.at(valid.length), r[0].next(), where);
        assertEquals(List.of(Problem.Kind.TRUNCATED_RECORD), log.kinds(), where);
      }
    }
  }

  // ---- garbage at the end, and resuming from a resynchronising position ----

  @Test
  void scan_garbageAtEnd_reportsCorruptTailAndResynchronizingPosition() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 30);
    byte[] valid = Records.file(records);
    byte[] garbage = new byte[100];
    random.nextBytes(garbage);
    byte[] file = Records.concat(valid, garbage);
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(Records.expected(records), log.records);
      assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.CORRUPT_TAIL), log.kinds());
      assertEquals(valid.length, log.problems.get(0).offset());
      assertEquals(valid.length, log.problems.get(1).offset());
      assertTrue(r.next().resynchronizing());
      assertTrue(r.next().offset() > valid.length && r.next().offset() <= file.length, "" + r.next());
      assertFalse(r.truncated());
      assertTrue(r.hasCorruption());
      assertEquals(garbage.length, r.trailingBytes());
    }
  }

  @Test
  void scan_resumedFromResynchronizingPosition_doesNotReportTheSameCorruptionTwice() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 30);
    byte[] garbage = new byte[57];
    random.nextBytes(garbage);
    byte[] file = Records.concat(Records.file(records), garbage);
    for (RecordScanner scanner : SCANNERS) {
      Source source = source(file);
      Records.Log log = new Records.Log();
      ScanResult r1 = source.scan(scanner, ScanPosition.START, log);
      assertTrue(r1.next().resynchronizing());

      log.clear();
      ScanResult r2 = source.scan(scanner, r1.next(), log);
      assertEquals(List.of(), log.records);
      assertEquals(List.of(), log.problems, "nothing new, nothing reported");
      assertEquals(r1.next(), r2.next());

      byte[] more1 = Records.record(random, 7, 44);
      byte[] more2 = Records.record(random, 8, 3);
      source.append(Records.concat(TfRecordFormat.frame(more1), TfRecordFormat.frame(more2)));
      log.clear();
      ScanResult r3 = source.scan(scanner, r2.next(), log);
      assertEquals(List.of(new Delivery(file.length, more1), new Delivery(file.length + 60, more2)), log.records);
      assertEquals(List.of(Problem.Kind.RESYNCHRONIZED), log.kinds());
      assertEquals(file.length, log.problems.get(0).offset());
      assertEquals(ScanPosition.at(file.length + 60 + 19), r3.next());
      assertFalse(r3.next().resynchronizing());
    }
  }

  // ---- positions ----

  @Test
  void scan_fromARecordBoundary_deliversTheRestWithFileOffsets() throws IOException {
    List<byte[]> records = Records.numbered(random, 20, 90, 1, 64);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    for (RecordScanner scanner : SCANNERS) {
      for (int k = 0; k <= records.size(); k++) {
        Records.Log log = new Records.Log();
        ScanResult r = source(file).scan(scanner, ScanPosition.at(at[k]), log);
        assertEquals(Records.expected(records).subList(k, records.size()), log.records, "from record " + k);
        assertEquals(List.of(), log.problems);
        assertEquals(ScanPosition.at(file.length), r.next());
        assertEquals(file.length - at[k], r.bytesRead());
      }
    }
  }

  @Test
  void scan_fromBeyondTheEnd_deliversNothing() throws IOException {
    byte[] file = Records.file(Records.numbered(random, 20));
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanPosition from = ScanPosition.at(file.length + 100);
      ScanResult r = source(file).scan(scanner, from, log);
      assertEquals(List.of(), log.records);
      assertEquals(List.of(), log.problems);
      assertEquals(from, r.next());
      assertFalse(r.truncated());
    }
  }

  // ---- sizes at the edges of the read buffer ----

  @Test
  void scan_recordSizesAtTinyBufferEdges_deliverEveryRecord() throws IOException {
    int atBuffer = TINY_BUFFER - TfRecordFormat.OVERHEAD;
    int[][] orders = {
        {atBuffer, atBuffer + 1, atBuffer - 1, 0, atBuffer, 2 * TINY_BUFFER - 16, 2 * TINY_BUFFER - 15, 100_000, 1,
            atBuffer, 5000, atBuffer + 1},
        {0, 0, 0, 1, atBuffer - 1, atBuffer - 1, atBuffer + 1, atBuffer + 1, 3, 70_000, atBuffer, 0},
        {TINY_BUFFER - 12, TINY_BUFFER - 11, TINY_BUFFER - 13, TINY_BUFFER, TINY_BUFFER + 12, 12, 11, 13},
    };
    for (int[] sizes : orders) {
      List<byte[]> records = Records.numbered(random, sizes);
      byte[] file = Records.file(records);
      for (RecordScanner scanner : SCANNERS) {
        Records.Log log = new Records.Log();
        ScanResult r = scan(scanner, file, log);
        assertEquals(Records.expected(records), log.records, name(scanner) + " " + Arrays.toString(sizes));
        assertEquals(List.of(), log.problems);
        assertEquals(ScanPosition.at(file.length), r.next());
      }
    }
  }

  @Test
  void scan_recordSizesAtDefaultBufferEdges_deliverEveryRecord() throws IOException {
    int atBuffer = RecordScanner.DEFAULT_BUFFER_SIZE - TfRecordFormat.OVERHEAD;
    List<byte[]> records = Records.numbered(random, 10, atBuffer, atBuffer + 1, atBuffer - 1, 5,
        RecordScanner.DEFAULT_BUFFER_SIZE + 1, 3 * RecordScanner.DEFAULT_BUFFER_SIZE, 20, atBuffer);
    byte[] file = Records.file(records);
    for (RecordScanner scanner : SCANNERS) {
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(Records.expected(records), log.records, name(scanner));
      assertEquals(List.of(), log.problems);
      assertEquals(ScanPosition.at(file.length), r.next());
      assertEquals(file.length, r.bytesRead());
    }
  }

  // ---- without checksums ----

  @Test
  void scan_withoutChecksumVerification_framesCorrectly() throws IOException {
    List<byte[]> records = Records.numbered(random, 24, 0, 48, 49, 47, 1000, 3);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    for (RecordScanner scanner : List.of(RecordScanner.create(false, TINY_BUFFER),
        RecordScanner.create(false, RecordScanner.DEFAULT_BUFFER_SIZE))) {
      assertFalse(scanner.verifiesChecksums());
      Records.Log log = new Records.Log();
      ScanResult r = scan(scanner, file, log);
      assertEquals(Records.expected(records), log.records);
      assertEquals(List.of(), log.problems);
      assertEquals(ScanPosition.at(file.length), r.next());

      // checksums are not read: a damaged length checksum or data checksum still frames the same
      byte[] damaged = file.clone();
      damaged[(int) at[2] + 9] ^= 1;
      damaged[(int) at[3] - 1] ^= 1;
      log.clear();
      scan(scanner, damaged, log);
      assertEquals(Records.expected(records), log.records);
      assertEquals(List.of(), log.problems);
    }
  }

  // ---- helpers ----

  /** A scan that may throw IOException, for lambdas. */
  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }

  /** Bytes this thread allocated while running the action (HotSpot's per-thread counter). */
  static long allocatedBytes(IoAction action) throws IOException {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "per-thread allocation counter unavailable");
    com.sun.management.ThreadMXBean hotspot = (com.sun.management.ThreadMXBean) mx;
    long id = Thread.currentThread().getId();
    long before = hotspot.getThreadAllocatedBytes(id);
    action.run();
    return hotspot.getThreadAllocatedBytes(id) - before;
  }

}
