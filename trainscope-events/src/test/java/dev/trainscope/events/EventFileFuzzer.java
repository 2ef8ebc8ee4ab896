package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the event-file scanner over arbitrary bytes, with a handler
 * that decodes every payload of every value ({@link DecodeEverything}). The input's first byte
 * chooses how the file is read (checksums verified or not, the scanner's buffer size, how many
 * bytes a read returns, one scan or two with a resume, scalars taken by the shortcut or declined);
 * the rest is the file. Without checksums the fuzzer reaches the event and payload decoders; with
 * them, the framing and resynchronisation.
 *
 * <p>The scan must not throw, must end at a position inside the file, must hand over only
 * records that are in the file as framed (the length in the header at the record's offset and the
 * data after it), and must stay within the {@link AllocationBudget}. The committed corpus
 * ({@code EventFileFuzzerInputs/}) holds slices of real event files from every writer, each behind
 * an option byte.
 */
class EventFileFuzzer {

  private static final int[] CHUNKS = {Integer.MAX_VALUE, 3, 7, 100};
  private static final int[] BUFFERS = {RecordScanner.DEFAULT_BUFFER_SIZE, 64, 100, 4096};
  /** Scanners by checksums (bit 0) and buffer (bits 1-2), kept: a scanner reuses its read buffers. */
  private static final EventScanner[] SCANNERS = new EventScanner[8];

  static {
    for (int i = 0; i < SCANNERS.length; i++) {
      SCANNERS[i] = EventScanner.create(RecordScanner.create((i & 1) != 0, BUFFERS[i >>> 1]));
    }
  }

  @FuzzTest
  void scan_anyBytes_reportsDamageAndDeliversOnlyFramedRecords(byte[] input) {
    if (input.length > 0) {
      AllocationBudget.within(input.length, () -> scan(input));
    }
  }

  private static void scan(byte[] input) {
    int options = input[0] & 0xFF;
    byte[] file = Arrays.copyOfRange(input, 1, input.length);
    EventScanner scanner = SCANNERS[(options & 1) | (options >>> 3 & 3) << 1];
    int chunk = CHUNKS[options >>> 1 & 3];
    boolean split = (options & 0x20) != 0;
    boolean takeScalars = (options & 0x40) != 0;

    InMemoryChannel channel = new InMemoryChannel(file, chunk);
    TagStrings tags = new TagStrings();
    Checked handler = new Checked(file, takeScalars);
    ScanResult r;
    if (split) {
      // a first chunk, then the rest from where it stopped with the same tag table: the second scan
      // takes the scalar shortcut from its first record
      r = scanner.scan(channel, "fuzz", ScanPosition.START, Math.max(1, file.length / 2), handler, tags);
      assertWithin(r, ScanPosition.START, file.length);
      ScanPosition next = r.next();
      handler.from = next.offset();
      r = scanner.scan(channel, "fuzz", next, Long.MAX_VALUE, handler, tags);
      assertWithin(r, next, file.length);
    } else {
      r = scanner.scan(channel, "fuzz", ScanPosition.START, Long.MAX_VALUE, handler, tags);
      assertWithin(r, ScanPosition.START, file.length);
    }
    assertEquals(r.records() - r.malformedEvents(), r.events(), "events are the records that decoded");
  }

  private static void assertWithin(ScanResult r, ScanPosition from, long size) {
    long next = r.next().offset();
    assertTrue(next >= from.offset() && next <= size, () -> "next " + next + " within [" + from.offset() + ", " + size + "]");
    assertTrue(r.records() >= 0 && r.malformedEvents() <= r.records(), r::toString);
  }

  /** Decodes everything and checks that each event came from a framed record of the file. */
  private static final class Checked extends DecodeEverything {
    private final byte[] file;
    private final boolean takeScalars;
    long from;

    Checked(byte[] file, boolean takeScalars) {
      this.file = file;
      this.takeScalars = takeScalars;
    }

    @Override
    public void onEvent(EventView e) {
      long at = e.recordOffset();
      int len = e.recordLength();
      assertTrue(at >= from && at + TfRecordFormat.framedLength(len) <= file.length,
          () -> "record at " + at + " of " + len + " bytes inside the scanned part of the file");
      assertEquals(len, TfRecordFormat.readLongLE(file, (int) at), "the header's length");
      assertArrayEquals(Arrays.copyOfRange(file, (int) at + 12, (int) at + 12 + len), e.copyBytes(),
          "the record's data as in the file");
      super.onEvent(e);
    }

    @Override
    public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
      return takeScalars;
    }
  }
}
