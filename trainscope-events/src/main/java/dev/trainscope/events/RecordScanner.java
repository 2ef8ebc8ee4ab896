package dev.trainscope.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads the TFRecord framing of a file ({@link TfRecordFormat}) from a start position and hands
 * each valid record to a callback, with its file offset; reports every kind of damage as a {@link
 * Problem} and carries on.
 *
 * <ul>
 *   <li>A file that ends inside a record (a writer is still writing) ends the scan cleanly; the
 *       result's {@link ScanResult#next()} points at that record so the next scan resumes there.
 *   <li>A record whose data checksum fails (its header being sound) is reported and skipped. As
 *       bytes lost from its data would make its length reach into the next record, a record that
 *       starts inside the damaged one is looked for (and reported as a resynchronisation) before
 *       the scan goes on after it.
 *   <li>A header whose length checksum fails, or whose length no record can have, is reported; the
 *       scanner then tries each following byte as a record start until a candidate's length and
 *       data checksums both hold, and reports how many bytes it skipped. Nothing is allocated for a
 *       length until the file is known to hold that many bytes.
 *   <li>The search respects a scan's byte limit like the reading of sound records does: it stops
 *       there, and {@link ScanResult#next()} carries the search on to the next scan, so that a
 *       reader taking a file in chunks gets control back after each chunk even in gigabytes of
 *       garbage. The search itself is a tight loop over the read buffer ({@code findHeader}) that
 *       looks at the checksum only of a length that a record can have: it runs through random bytes
 *       at several hundred megabytes a second, through zeros (whose length 0 is possible) little
 *       slower.
 * </ul>
 *
 * <p>Records are read through one reusable buffer; the array handed to the callback is valid only
 * during the call. A scanner keeps nothing between scans but a few spare read buffers, and may be
 * shared by threads.
 */
public final class RecordScanner {

  /** Receives each valid record. */
  @FunctionalInterface
  public interface RecordHandler {
    /**
     * @param offset the file offset of the record's first header byte
     * @param buffer holds the record's data at {@code [dataOffset, dataOffset + dataLength)}; valid
     *     only during this call
     */
    void onRecord(long offset, byte[] buffer, int dataOffset, int dataLength);
  }

  public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

  private final boolean verifyChecksums;
  private final int bufferSize;
  /** Read buffers of finished scans, at most one per core, for the next scans to reuse. */
  private final ArrayBlockingQueue<byte[]> spares =
      new ArrayBlockingQueue<>(Math.max(2, Runtime.getRuntime().availableProcessors()));

  private RecordScanner(boolean verifyChecksums, int bufferSize) {
    this.verifyChecksums = verifyChecksums;
    this.bufferSize = bufferSize;
  }

  /** A scanner that verifies both checksums of every record, with the default buffer. */
  public static RecordScanner create() {
    return new RecordScanner(true, DEFAULT_BUFFER_SIZE);
  }

  /**
   * @param verifyChecksums false skips both CRC checks (faster; damage then shows only as
   *     impossible lengths or undecodable events)
   * @param bufferSize the read buffer; records larger than it get a larger one for their duration
   */
  public static RecordScanner create(boolean verifyChecksums, int bufferSize) {
    if (bufferSize < 64) {
      throw new IllegalArgumentException("bufferSize must be at least 64, was " + bufferSize);
    }
    return new RecordScanner(verifyChecksums, bufferSize);
  }

  public boolean verifiesChecksums() {
    return verifyChecksums;
  }

  /** Scans a file from {@code from}. Throws only when the file cannot be opened. */
  public ScanResult scan(Path file, ScanPosition from, RecordHandler records, Consumer<Problem> problems)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return scan(ch, file.toString(), from, records, problems);
    }
  }

  /**
   * Scans a channel from {@code from} to its end. Read failures part way are reported as {@link
   * Problem.Kind#IO_ERROR} and end the scan with {@code next} at the first unread record.
   */
  public ScanResult scan(
      SeekableByteChannel channel, String name, ScanPosition from, RecordHandler records,
      Consumer<Problem> problems) {
    return new Run(channel, name, from, Long.MAX_VALUE, records, problems).scan();
  }

  /**
   * Scans a channel from {@code from}, stopping at the first record boundary at least {@code
   * limit} bytes past the start (or at the end, whichever comes first), so that a reader can take a
   * big file in bounded chunks. {@link ScanResult#reachedLimit()} tells whether it stopped early.
   */
  public ScanResult scan(
      SeekableByteChannel channel, String name, ScanPosition from, long limit, RecordHandler records,
      Consumer<Problem> problems) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, was " + limit);
    }
    return new Run(channel, name, from, limit, records, problems).scan();
  }

  /** The state of one scan. */
  private final class Run {
    private final SeekableByteChannel ch;
    private final String name;
    private final ScanPosition from;
    private final long limitEnd;
    private final RecordHandler handler;
    private final Consumer<Problem> problems;
    private final CRC32C crc = new CRC32C();
    private final long[] crcLengths = initialLengths();
    private final int[] lengthCrcs = new int[LENGTH_CRCS];
    private final byte[] lengthBytes = new byte[8];

    private byte[] buf = takeBuffer();
    private long base; // file offset of buf[0]
    private int lo;
    private int hi;
    private boolean eof;
    private long bytesRead;
    private long knownSize = -1;

    private long records;
    // the scan's state between steps
    private long lastGoodEnd;
    private boolean resync;
    private boolean resyncBeganHere;
    private long resyncFrom;
    private boolean truncated;
    /**
     * After a data checksum failure: the end of the damaged record, before which a record that
     * starts inside it is searched for; -1 when there is no such search.
     */
    private long damagedEnd = -1;
    private boolean reachedLimit;
    private long lengthCrcErrors;
    private long dataCrcErrors;
    private long impossibleLengths;
    private long skippedBytes;

    Run(SeekableByteChannel ch, String name, ScanPosition from, long limit, RecordHandler handler,
        Consumer<Problem> problems) {
      this.ch = ch;
      this.name = name;
      this.from = from;
      this.limitEnd = limit >= Long.MAX_VALUE - from.offset() ? Long.MAX_VALUE : from.offset() + limit;
      this.handler = handler;
      this.problems = problems;
      this.base = from.offset();
      this.lastGoodEnd = from.offset();
      this.resync = from.resynchronizing();
      this.resyncFrom = from.searchFrom();
      this.damagedEnd = from.damagedEnd();
    }

    ScanResult scan() {
      try {
        ch.position(from.offset());
        do {
          if (!resync && damagedEnd < 0) {
            while (base + lo < limitEnd && soundRecord()) {
              // each sound record whole in the buffer: handed over by a method of its own
            }
            lastGoodEnd = base + lo;
          }
        } while (step());
      } catch (IOException e) {
        report(Problem.Kind.IO_ERROR, base + lo, "read failed: " + e);
      }
      long position = base + lo;
      long seen = Math.max(base + hi, knownSize); // a record known to run past the end was not read
      if (resync) {
        skippedBytes += position - Math.max(resyncFrom, from.offset()); // this scan's part of a search still going on
      }
      if (resync && !reachedLimit && (resyncBeganHere || position > from.offset())) {
        // the search met the end of the file, and got further than the last scan that said so
        report(Problem.Kind.CORRUPT_TAIL, resyncFrom, "no valid record in the " + (seen - resyncFrom)
            + " bytes after offset " + resyncFrom + " (yet); the next scan keeps searching from offset " + position);
      }
      if (!resync && hi > lo && !truncated && eof) {
        truncated = true;
      }
      if (truncated) {
        report(Problem.Kind.TRUNCATED_RECORD, position, "file ends " + (seen - position)
            + " bytes into a record; the next scan resumes at offset " + position);
      }
      giveBack(buf);
      ScanPosition next = resync ? new ScanPosition(position, true, resyncFrom, damagedEnd) : ScanPosition.at(position);
      return new ScanResult(name, from, next, records, records, truncated,
          reachedLimit ? 0 : Math.max(0, seen - lastGoodEnd), lengthCrcErrors, dataCrcErrors, impossibleLengths,
          skippedBytes, 0, 0, bytesRead, reachedLimit);
    }

    /**
     * One step of the scan where no sound record lies whole in the buffer: reads more, hands over a
     * record that needed the read, or deals with damage. Returns false when the scan is over. Out
     * of the scan loop so that the loop the JIT compiles (on-stack, then whole) stays small: with
     * this inline, each of those compiles took 0.1-0.2 s of the only C2 thread of a 2-core machine
     * in the first seconds of a cold load.
     */
    private boolean step() throws IOException {
      if (base + lo >= limitEnd && !(resync && endsWithinAHeader())) {
        // at a record boundary, or anywhere in a search, which the position carries on
        reachedLimit = true;
        return false;
      }
      if (damagedEnd >= 0 && (base + lo >= damagedEnd || !fill(TfRecordFormat.HEADER_LENGTH))) {
        // no record starts inside the damaged one: its length held, go on after it
        if (damagedEnd - base > hi) { // the record was read by an earlier scan: skip without reading
          ch.position(damagedEnd);
          base = damagedEnd;
          lo = 0;
          hi = 0;
        } else {
          lo = (int) (damagedEnd - base);
        }
        lastGoodEnd = damagedEnd;
        damagedEnd = -1;
        resync = false;
        return true;
      }
      if (!fill(TfRecordFormat.HEADER_LENGTH)) {
        return false;
      }
      if (resync) {
        long stop = Math.min(limitEnd, damagedEnd >= 0 ? damagedEnd : Long.MAX_VALUE);
        int end = (int) Math.min(hi - TfRecordFormat.HEADER_LENGTH + 1, stop - base);
        if (end > lo) {
          lo = findHeader(buf, lo, end);
          if (lo == end) {
            return true; // none in the buffer: read on, or stop at the limit or the damaged end
          }
        }
      }
      long at = base + lo;
      long len = TfRecordFormat.readLongLE(buf, lo);
      boolean headerOk = !verifyChecksums || lengthCrc(len) == TfRecordFormat.readIntLE(buf, lo + 8);
      if (!headerOk || len < 0 || len > TfRecordFormat.MAX_DATA_LENGTH) {
        if (!resync) {
          if (!headerOk) {
            lengthCrcErrors++;
            report(Problem.Kind.LENGTH_CRC_MISMATCH, at, "length checksum "
                + hex(TfRecordFormat.readIntLE(buf, lo + 8)) + " does not match the length bytes (checksum "
                + hex(TfRecordFormat.maskedCrc32c(crc, buf, lo, 8)) + "); searching for the next valid record");
          } else {
            impossibleLengths++;
            report(Problem.Kind.IMPOSSIBLE_LENGTH, at, "record length " + Long.toUnsignedString(len)
                + " exceeds the maximum of " + TfRecordFormat.MAX_DATA_LENGTH
                + "; searching for the next valid record");
          }
          resync = true;
          resyncBeganHere = true;
          resyncFrom = at;
        }
        lo++;
        return true;
      }
      int total = (int) len + TfRecordFormat.OVERHEAD;
      if (hi - lo < total && (at + total > size() || !fill(total))) {
        truncated = !resync;
        return false;
      }
      int dataAt = lo + TfRecordFormat.HEADER_LENGTH;
      if (verifyChecksums) {
        int expected = TfRecordFormat.readIntLE(buf, dataAt + (int) len);
        int actual = TfRecordFormat.maskedCrc32c(crc, buf, dataAt, (int) len);
        if (expected != actual) {
          if (resync) {
            lo++;
            return true;
          }
          dataCrcErrors++;
          report(Problem.Kind.DATA_CRC_MISMATCH, at, "data checksum " + hex(expected)
              + " does not match the " + len + " data bytes (checksum " + hex(actual) + "); record skipped");
          // The header is sound but the data are not. Had bytes been lost from the data, the
          // length would reach into the records after it, so a record that starts inside this
          // one is searched for before the length is trusted.
          resync = true;
          resyncBeganHere = true;
          resyncFrom = at;
          damagedEnd = at + total;
          lo++;
          return true;
        }
      }
      if (resync) {
        skippedBytes += at - Math.max(resyncFrom, from.offset()); // this scan's part of the search
        report(Problem.Kind.RESYNCHRONIZED, at, "found a valid record after skipping "
            + (at - resyncFrom) + " bytes from offset " + resyncFrom);
        resync = false;
        damagedEnd = -1;
      }
      records++;
      handler.onRecord(at, buf, dataAt, (int) len);
      lo += total;
      lastGoodEnd = base + lo;
      return true;
    }

    /**
     * The first position in {@code [from, to)} where a record header may start: its length is one a
     * record can have and, when checksums are verified, the length's masked CRC matches. {@code to}
     * when there is none; {@code b} holds at least {@code to + 11} bytes.
     *
     * <p>The resynchronisation's inner loop, a method of its own, called once per buffer, so that
     * it is compiled by itself and runs at compiled speed however the scan loop was profiled. A
     * possible length is below 2^31, so its four high bytes are zero: where the byte 7 on is not,
     * none of the four positions whose length holds that byte can start a header, and the search
     * moves on by four (random bytes pass this test once in 256 places). The checksum is looked
     * at only for a length in range, and equal lengths check against the one checksum kept in
     * locals. Zeros, the one run of a repeated byte whose length is possible (what a crash leaves
     * in a file's last blocks, or a preallocated file), are passed over eight at a time: no header
     * starts in them, as the masked checksum of a zero length is not zero.
     */
    private int findHeader(byte[] b, int from, int to) {
      int end = to + TfRecordFormat.HEADER_LENGTH - 1; // the bytes that may be looked at
      long lastLen = -1;
      int lastCrc = 0;
      int i = from;
      while (i < to) {
        if (b[i + 7] != 0) {
          i += 4;
          continue;
        }
        long len = TfRecordFormat.readLongLE(b, i);
        if ((len & ~MAX_LENGTH_BITS) == 0 && len <= TfRecordFormat.MAX_DATA_LENGTH) {
          if (!verifyChecksums) {
            return i;
          }
          if (len != lastLen) {
            lastLen = len;
            lastCrc = lengthCrc(len);
          }
          int stored = TfRecordFormat.readIntLE(b, i + TfRecordFormat.LENGTH_CRC_OFFSET);
          if (stored == lastCrc) {
            return i;
          }
          if ((len | stored) == 0) {
            int j = i + TfRecordFormat.HEADER_LENGTH; // the first byte that may not be zero
            while (j <= end - 8 && TfRecordFormat.readLongLE(b, j) == 0) {
              j += 8;
            }
            while (j < end && b[j] == 0) {
              j++;
            }
            i = j - TfRecordFormat.HEADER_LENGTH + 1; // the first position whose header holds b[j]
            continue;
          }
        }
        i++;
      }
      return to;
    }

    /**
     * True when the file holds no header after the current position: a search that stops at its
     * limit there has in fact met the end, which it reports now rather than leave to a next scan
     * that would read nothing.
     */
    private boolean endsWithinAHeader() throws IOException {
      return base + lo + TfRecordFormat.HEADER_LENGTH > size();
    }

    /**
     * A spare read buffer of the right size when one is free, else a new one. A store reads a big
     * file in 4 MB chunks, a scan each: a new 256 KB buffer per chunk was 400 MB of garbage in a
     * 6.3 GB load. A buffer is held by one scan at a time (a scan started from inside a handler
     * takes another).
     */
    private byte[] takeBuffer() {
      byte[] b = spares.poll();
      return b != null ? b : new byte[bufferSize];
    }

    /** The buffer back among the spares, when it has the scanner's size and there is room. */
    private void giveBack(byte[] b) {
      if (b.length == bufferSize) {
        spares.offer(b);
      }
    }

    /**
     * The common case, out of the scan loop: hands over the record at {@code lo} when it lies whole
     * in the buffer and both its checksums hold, and returns true; otherwise changes nothing and
     * returns false, and the scan loop deals with it (reads more, reports damage, resynchronises).
     *
     * <p>A method of its own so that the JIT compiles it after a few hundred records: the scan
     * loop runs once per chunk of a file, so it is compiled only by on-stack replacement, after
     * tens of thousands of iterations in the interpreter, which a cold load of a big log directory
     * spent its first second on.
     */
    private boolean soundRecord() {
      int avail = hi - lo;
      if (avail < TfRecordFormat.HEADER_LENGTH) {
        return false;
      }
      long len = TfRecordFormat.readLongLE(buf, lo);
      if (len < 0 || len > avail - TfRecordFormat.OVERHEAD) {
        return false; // not whole in the buffer, or an impossible length
      }
      int dataAt = lo + TfRecordFormat.HEADER_LENGTH;
      if (verifyChecksums && (lengthCrc(len) != TfRecordFormat.readIntLE(buf, lo + 8)
          || TfRecordFormat.readIntLE(buf, dataAt + (int) len) != TfRecordFormat.maskedCrc32c(crc, buf, dataAt, (int) len))) {
        return false;
      }
      records++;
      handler.onRecord(base + lo, buf, dataAt, (int) len);
      lo = dataAt + (int) len + TfRecordFormat.FOOTER_LENGTH;
      return true;
    }

    /**
     * The masked CRC of a length's 8 bytes. A file's records have few distinct lengths (a training
     * loop logs the same tags every step), so the last checksum of each length class is kept.
     */
    private int lengthCrc(long len) {
      int slot = (int) len & (LENGTH_CRCS - 1);
      if (crcLengths[slot] == len && len >= 0) { // -1 marks an empty slot
        return lengthCrcs[slot];
      }
      TfRecordFormat.writeLongLE(lengthBytes, 0, len);
      int c = TfRecordFormat.maskedCrc32c(crc, lengthBytes, 0, 8);
      crcLengths[slot] = len;
      lengthCrcs[slot] = c;
      return c;
    }

    private long size() throws IOException {
      knownSize = ch.size();
      return knownSize;
    }

    private void report(Problem.Kind kind, long offset, String message) {
      problems.accept(new Problem(kind, name, offset, message));
    }

    /**
     * Makes {@code need} bytes available at {@code buf[lo]}, reading as much as fits. Returns false
     * at the end of the channel when fewer are there.
     */
    private boolean fill(int need) throws IOException {
      if (hi - lo >= need) {
        return true;
      }
      if (eof) {
        return false;
      }
      int have = hi - lo;
      if (need > buf.length || (buf.length > bufferSize && need <= bufferSize && have <= bufferSize)) {
        byte[] next = new byte[Math.max(need, bufferSize)];
        System.arraycopy(buf, lo, next, 0, have);
        buf = next;
        base += lo;
        lo = 0;
        hi = have;
      } else if (buf.length - lo < need) {
        System.arraycopy(buf, lo, buf, 0, have);
        base += lo;
        lo = 0;
        hi = have;
      }
      while (hi - lo < need) {
        int n = ch.read(ByteBuffer.wrap(buf, hi, buf.length - hi));
        if (n < 0) {
          eof = true;
          return false;
        }
        if (n == 0 && hi == buf.length) {
          throw new IllegalStateException("buffer full before " + need + " bytes were available");
        }
        hi += n;
        bytesRead += n;
      }
      return true;
    }
  }

  private static final int LENGTH_CRCS = 64;
  /** The bits a possible record length may have set: it is below 2^31. */
  private static final long MAX_LENGTH_BITS = 0x7fffffffL;

  private static long[] initialLengths() {
    long[] a = new long[LENGTH_CRCS];
    java.util.Arrays.fill(a, -1); // no length is negative
    return a;
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
