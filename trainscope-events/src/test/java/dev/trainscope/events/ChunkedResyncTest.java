package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A file taken in bounded chunks, as the run store takes it, through damage: every chunk's scan
 * ends near its limit even while it searches for a valid record, and the chunks together deliver
 * and report exactly what one scan of the whole file does.
 */
class ChunkedResyncTest {
  private static final RecordScanner SCANNER = RecordScanner.create();
  private static final RecordScanner TINY = RecordScanner.create(true, 64);

  /** What the scans of a file delivered and reported, and how far each scan went. */
  private record Outcome(List<Records.Delivery> records, List<Problem> problems, List<ScanResult> scans) {}

  private static Outcome whole(RecordScanner scanner, byte[] file) {
    Records.Log log = new Records.Log();
    ScanResult r = scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "f", ScanPosition.START, log, log);
    return new Outcome(log.records, log.problems, List.of(r));
  }

  private static Outcome chunked(RecordScanner scanner, byte[] file, long limit) {
    InMemoryChannel ch = new InMemoryChannel(file, Integer.MAX_VALUE);
    Records.Log log = new Records.Log();
    List<ScanResult> scans = new ArrayList<>();
    ScanPosition at = ScanPosition.START;
    for (int i = 0; i < 100_000; i++) {
      ScanResult r = scanner.scan(ch, "f", at, limit, log, log);
      scans.add(r);
      at = r.next();
      if (!r.reachedLimit()) {
        return new Outcome(log.records, log.problems, scans);
      }
    }
    throw new AssertionError("no end after 100,000 chunks");
  }

  /** The file in chunks of {@code limit}, checked to deliver and report what one scan does. */
  private static Outcome chunkedLikeOneScan(RecordScanner scanner, byte[] file, long limit, String what) {
    Outcome one = whole(scanner, file);
    Outcome chunks = chunked(scanner, file, limit);
    assertEquals(one.records, chunks.records, what);
    assertEquals(one.problems, chunks.problems, what + ": the same reports, with the same offsets and words");
    assertEquals(one.scans.get(0).next(), chunks.scans.get(chunks.scans.size() - 1).next(), what);
    return chunks;
  }

  private static byte[] random(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void scan_limitInsideAMegabyteOfGarbage_eachChunkStopsAtItsLimitAndTheSearchGoesOn() {
    Random random = new Random(17);
    List<byte[]> before = Records.numbered(random, 30, 40, 50);
    List<byte[]> after = Records.numbered(random, 60, 70);
    byte[] garbage = random(random, 1 << 20);
    byte[] file = Records.concat(Records.file(before), garbage, Records.file(after));
    long limit = 64 * 1024;

    Outcome chunks = chunkedLikeOneScan(SCANNER, file, limit, "64 KB chunks");
    for (ScanResult r : chunks.scans.subList(0, chunks.scans.size() - 1)) {
      long went = r.next().offset() - r.start().offset();
      assertTrue(went >= limit && went <= limit, "a search stops at the limit itself: " + r);
      assertTrue(r.bytesRead() <= limit + RecordScanner.DEFAULT_BUFFER_SIZE, "read at most a buffer past the limit: " + r);
    }
    assertTrue(chunks.scans.size() >= (1 << 20) / limit, "the garbage took " + chunks.scans.size() + " chunks");
    assertTrue(chunks.scans.get(1).start().resynchronizing(), "the search is carried from one chunk to the next");

    assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.RESYNCHRONIZED),
        chunks.problems.stream().map(Problem::kind).toList());
    long garbageAt = Records.file(before).length;
    assertEquals("found a valid record after skipping " + garbage.length + " bytes from offset " + garbageAt,
        chunks.problems.get(1).message());
    assertEquals(garbage.length, chunks.scans.stream().mapToLong(ScanResult::skippedBytes).sum(),
        "each chunk counts its own part of the skip");
  }

  @Test
  void scan_limitInsideGarbageAtTheEnd_reportsTheCorruptTailOnceFromWhereItBegan() {
    Random random = new Random(18);
    List<byte[]> records = Records.numbered(random, 30, 40);
    byte[] valid = Records.file(records);
    byte[] file = Records.concat(valid, random(random, 300_000));
    for (long limit : new long[] {4096, 100_000, 300_000 - 5}) {
      Outcome chunks = chunkedLikeOneScan(SCANNER, file, limit, "limit " + limit);
      List<Problem> tail = chunks.problems.stream().filter(p -> p.kind() == Problem.Kind.CORRUPT_TAIL).toList();
      assertEquals(1, tail.size(), "limit " + limit + ": " + chunks.problems);
      assertEquals(valid.length, tail.get(0).offset());
      ScanResult last = chunks.scans.get(chunks.scans.size() - 1);
      assertTrue(last.next().resynchronizing());
      assertEquals(valid.length, last.next().searchFrom());
    }
  }

  @Test
  void scan_limitInsideADamagedRecord_searchesTheRestOfItThenGoesOnAfterIt() {
    Random random = new Random(19);
    List<byte[]> records = Records.numbered(random, 50, 200_000, 60, 70);
    byte[] file = Records.file(records);
    long[] at = Records.offsets(records);
    file[(int) at[1] + 100_000] ^= 0x10; // one flipped bit in the big record's data: its length still holds
    for (RecordScanner scanner : List.of(SCANNER, TINY)) {
      for (long limit : new long[] {4096, 65_536, 150_000}) {
        Outcome chunks = chunkedLikeOneScan(scanner, file, limit, "limit " + limit);
        assertEquals(Records.expected(records).subList(2, 4), chunks.records.subList(1, 3));
        assertEquals(List.of(Problem.Kind.DATA_CRC_MISMATCH), chunks.problems.stream().map(Problem::kind).toList());
        assertTrue(chunks.scans.stream().anyMatch(r -> r.next().damagedEnd() == at[2]),
            "some chunk ended inside the damaged record: " + chunks.scans);
      }
    }
  }

  @Test
  void scan_limitInsideARecordThatLostBytes_findsTheRecordStartingInsideIt() {
    Random random = new Random(20);
    List<byte[]> records = Records.numbered(random, 50, 150_000, 60, 70);
    byte[] whole = Records.file(records);
    long[] at = Records.offsets(records);
    // 1,000 bytes of the big record's data lost: its length now reaches into the records after it
    int cut = (int) at[1] + 50_000;
    byte[] file = Records.concat(java.util.Arrays.copyOf(whole, cut),
        java.util.Arrays.copyOfRange(whole, cut + 1000, whole.length), random(random, 2000));
    for (long limit : new long[] {4096, 100_000}) {
      Outcome chunks = chunkedLikeOneScan(SCANNER, file, limit, "limit " + limit);
      assertEquals(3, chunks.records.size(), "the first record and the two after the damaged one");
      assertEquals(at[2] - 1000, chunks.records.get(1).offset());
    }
  }

  @Test
  void scan_zerosBetweenRecordsAtEveryAlignment_findTheRecordRightAfterThem() {
    Random random = new Random(22);
    List<byte[]> after = Records.numbered(random, 40, 50);
    byte[] first = Records.file(Records.numbered(random, 30));
    for (int zeros = 1; zeros <= 40; zeros++) {
      byte[] file = Records.concat(first, new byte[zeros * 37], Records.file(after));
      for (RecordScanner scanner : List.of(SCANNER, TINY)) {
        Outcome chunks = chunkedLikeOneScan(scanner, file, 100, zeros * 37 + " zeros");
        assertEquals(first.length + zeros * 37, chunks.records.get(1).offset(), zeros * 37 + " zeros");
      }
    }
  }

  @Test
  void scan_garbageOfEveryLengthBeforeARecord_findsTheRecordWhereItStarts() {
    Random random = new Random(23);
    List<byte[]> after = Records.numbered(random, 40, 50);
    byte[] first = Records.file(Records.numbered(random, 30));
    for (int n = 1; n <= 200; n++) {
      byte[] garbage = random(random, n);
      for (int z = 0; z < n; z++) {
        if (random.nextInt(3) == 0) {
          garbage[z] = 0; // zeros here and there, where a length's high bytes are looked for
        }
      }
      byte[] file = Records.concat(first, garbage, Records.file(after));
      for (RecordScanner scanner : List.of(SCANNER, TINY)) {
        Records.Log log = new Records.Log();
        scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "f", ScanPosition.START, log, log);
        assertEquals(first.length + n, log.records.get(1).offset(), n + " bytes of garbage");
        assertEquals(3, log.records.size(), n + " bytes of garbage");
      }
    }
  }

  @Test
  void zeroLength_maskedChecksumIsNotZero_soNoHeaderStartsInZeros() {
    // RecordScanner.findHeader passes over runs of zeros on this ground
    assertTrue(TfRecordFormat.maskedCrc32c(new byte[8], 0, 8) != 0);
  }

  @Test
  void scan_manyDamagedFilesInRandomChunks_deliverAndReportWhatOneScanDoes() {
    Random random = new Random(21);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + random.nextInt(30);
      int[] sizes = new int[n];
      for (int i = 0; i < n; i++) {
        sizes[i] = random.nextInt(4) == 0 ? random.nextInt(5000) : random.nextInt(100);
      }
      byte[] file = Records.file(Records.numbered(random, sizes));
      for (int d = 1 + random.nextInt(3); d > 0 && file.length > 0; d--) {
        int where = random.nextInt(file.length);
        switch (random.nextInt(4)) {
          case 3 -> file = Records.concat(java.util.Arrays.copyOf(file, where), new byte[1 + random.nextInt(3000)],
              java.util.Arrays.copyOfRange(file, where, file.length));
          case 0 -> file[where] ^= (byte) (1 << random.nextInt(8));
          case 1 -> file = Records.concat(java.util.Arrays.copyOf(file, where), random(random, 1 + random.nextInt(3000)),
              java.util.Arrays.copyOfRange(file, where, file.length));
          default -> file = Records.concat(java.util.Arrays.copyOf(file, where),
              java.util.Arrays.copyOfRange(file, Math.min(file.length, where + 1 + random.nextInt(500)), file.length));
        }
      }
      long limit = 1 + random.nextInt(6000);
      for (RecordScanner scanner : List.of(SCANNER, TINY)) {
        Outcome chunks = chunkedLikeOneScan(scanner, file, limit, "trial " + trial + ", limit " + limit);
        assertFalse(chunks.scans.get(chunks.scans.size() - 1).reachedLimit());
      }
    }
  }
}
