package dev.trainscope.events.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sizes and the pieces of a field that a writer encoding into its own buffer relies on. */
class ProtoWriterTest {
  private static final long[] VARINTS = {0, 1, 127, 128, 16_383, 16_384, (1L << 21) - 1, 1L << 21, (1L << 28) - 1,
      1L << 28, (1L << 35) - 1, 1L << 35, (1L << 42) - 1, 1L << 42, (1L << 49) - 1, 1L << 49, (1L << 56) - 1,
      1L << 56, (1L << 63) - 1, -1, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};

  @Test
  void varintSize_isTheNumberOfBytesWritten() {
    for (long v : VARINTS) {
      ProtoWriter w = new ProtoWriter();
      w.writeVarint64(v);
      assertEquals(w.size(), ProtoWriter.varintSize(v), "varint " + v);
    }
    assertEquals(1, ProtoWriter.varintSize(0));
    assertEquals(10, ProtoWriter.varintSize(-1));
  }

  @Test
  void tagSize_isTheNumberOfBytesOfTheKey() {
    for (int field : new int[] {1, 15, 16, 2047, 2048, 262_143, 262_144, (1 << 29) - 1}) {
      ProtoWriter w = new ProtoWriter();
      w.writeTag(field, ProtoReader.LEN);
      assertEquals(w.size(), ProtoWriter.tagSize(field), "field " + field);
    }
  }

  @Test
  void lengthDelimitedHeadAndPayload_equalAMessageFieldWrittenInPlace() {
    for (int len : new int[] {0, 1, 127, 128, 16_383, 16_384, 20_000}) {
      byte[] payload = new byte[len];
      Arrays.fill(payload, (byte) 7);
      ProtoWriter generic = new ProtoWriter();
      generic.writeMessageField(SummaryValue.TENSOR, w -> w.writeRaw(payload));
      ProtoWriter known = new ProtoWriter();
      known.writeLengthDelimitedHead(SummaryValue.TENSOR, len);
      known.writeRaw(payload);
      assertArrayEquals(generic.toByteArray(), known.toByteArray(), "length " + len);
      assertEquals(known.size(), ProtoWriter.lengthDelimitedSize(SummaryValue.TENSOR, len), "size of length " + len);
    }
  }

  @Test
  void skip_reservesBytesToFillInLater_growingTheBuffer() {
    ProtoWriter w = new ProtoWriter(16);
    w.writeVarint32(300);
    int at = w.skip(40);
    assertEquals(2, at);
    assertEquals(42, w.size());
    w.writeRaw(new byte[] {9});
    w.array()[at] = 5;
    byte[] out = w.toByteArray();
    assertEquals(43, out.length);
    assertEquals(5, out[2]);
    assertEquals(9, out[42]);
  }

  @Test
  void writeRaw_wholeArray_appendsIt() {
    ProtoWriter w = new ProtoWriter();
    w.writeRaw(new byte[] {1, 2});
    w.writeRaw(new byte[] {3});
    assertArrayEquals(new byte[] {1, 2, 3}, w.toByteArray());
  }

  @Test
  void putAtAPosition_writesTheBytesOfTheGrowingWriter() {
    for (long v : VARINTS) {
      ProtoWriter grown = new ProtoWriter();
      grown.writeTag(Event.STEP, ProtoReader.VARINT);
      grown.writeVarint64(v);
      grown.writeTag(Event.WALL_TIME, ProtoReader.I64);
      grown.writeFixed64(v);
      grown.writeFixed32((int) v);
      grown.writeVarint32((int) v);
      grown.writeLengthDelimitedHead(SummaryValue.TENSOR, (int) (v & 0x7FFF_FFFF));
      byte[] b = new byte[64];
      int p = 3;
      p = ProtoWriter.putVarint64(b, ProtoWriter.putTag(b, p, Event.STEP, ProtoReader.VARINT), v);
      p = ProtoWriter.putFixed64(b, ProtoWriter.putTag(b, p, Event.WALL_TIME, ProtoReader.I64), v);
      p = ProtoWriter.putFixed32(b, p, (int) v);
      p = ProtoWriter.putVarint32(b, p, (int) v);
      p = ProtoWriter.putLengthDelimitedHead(b, p, SummaryValue.TENSOR, (int) (v & 0x7FFF_FFFF));
      assertArrayEquals(grown.toByteArray(), Arrays.copyOfRange(b, 3, p), "value " + v);
    }
  }
}
