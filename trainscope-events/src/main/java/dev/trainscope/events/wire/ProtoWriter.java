package dev.trainscope.events.wire;

import dev.trainscope.events.proto.MalformedProtoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protocol buffer wire format into a growable array, canonically: varints are minimal,
 * proto3 fields at their default value are left out by the {@code write…Field} methods unless the
 * caller says the field is in a {@code oneof} (then presence matters and the value is written even
 * when it is zero or empty), repeated numeric fields are packed.
 *
 * <p>Nested messages are written in place and their length prefix inserted afterwards, so a
 * message is encoded in one pass without computing sizes first.
 */
public final class ProtoWriter {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int size;

  public ProtoWriter() {
    this(64);
  }

  public ProtoWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** Encodes one message into a new array. */
  public static byte[] encode(Encodable message) {
    ProtoWriter w = new ProtoWriter();
    message.encodeTo(w);
    return w.toByteArray();
  }

  /** Something that can write its fields (without a length prefix) to a writer. */
  @FunctionalInterface
  public interface Encodable {
    void encodeTo(ProtoWriter writer);
  }

  public int size() {
    return size;
  }

  public void reset() {
    size = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** The backing array; valid bytes are {@code [0, size())}. */
  public byte[] array() {
    return buf;
  }

  private void ensure(int extra) {
    if (extra > buf.length - size) {
      long want = Math.max((long) buf.length * 2, (long) size + extra);
      if (want > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("message larger than 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }

  // ---- raw primitives ----

  public void writeTag(int field, int wireType) {
    writeVarint32((field << 3) | wireType);
  }

  public void writeVarint32(int v) {
    ensure(5);
    size = putVarint32(buf, size, v);
  }

  public void writeVarint64(long v) {
    ensure(10);
    size = putVarint64(buf, size, v);
  }

  public void writeFixed64(long v) {
    ensure(8);
    size = putFixed64(buf, size, v);
  }

  public void writeFixed32(int v) {
    ensure(4);
    size = putFixed32(buf, size, v);
  }

  // ---- primitives at a position, for a caller that sized its message and made room first ----
  // (a writer that frames many small records in one buffer: one capacity check per record)

  /** Writes {@code v} as an unsigned 32-bit varint at {@code b[p]}; returns the position after it. */
  public static int putVarint32(byte[] b, int p, int v) {
    while ((v & ~0x7F) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** Writes {@code v} as a varint ({@link #varintSize} bytes) at {@code b[p]}; returns the position after it. */
  public static int putVarint64(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** Writes field {@code field}'s key ({@link #tagSize} bytes) at {@code b[p]}; returns the position after it. */
  public static int putTag(byte[] b, int p, int field, int wireType) {
    return putVarint32(b, p, (field << 3) | wireType);
  }

  /**
   * Writes the key and the length of a length-delimited field whose {@code length} bytes follow at
   * {@code b[p]}; returns the position after them, where the payload goes.
   */
  public static int putLengthDelimitedHead(byte[] b, int p, int field, int length) {
    return putVarint32(b, putTag(b, p, field, ProtoReader.LEN), length);
  }

  public static int putFixed64(byte[] b, int p, long v) {
    LONG_LE.set(b, p, v);
    return p + 8;
  }

  public static int putFixed32(byte[] b, int p, int v) {
    INT_LE.set(b, p, v);
    return p + 4;
  }

  public void writeRaw(byte[] bytes) {
    writeRaw(bytes, 0, bytes.length);
  }

  public void writeRaw(byte[] bytes, int off, int len) {
    ensure(len);
    System.arraycopy(bytes, off, buf, size, len);
    size += len;
  }

  /**
   * Reserves {@code n} bytes at the end, to be filled in later (a record header whose length and
   * checksum are known only once its data is written), and returns their offset. Their content is
   * unspecified until then.
   */
  public int skip(int n) {
    ensure(n);
    int at = size;
    size += n;
    return at;
  }

  /** The bytes of {@code v} as a varint: 1 for 0 to 127, 2 up to 16,383, ..., 10 for negatives. */
  public static int varintSize(long v) {
    return (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  /** The bytes of field {@code field}'s key. */
  public static int tagSize(int field) {
    return varintSize((long) field << 3);
  }

  /** The bytes a length-delimited field of {@code length} payload bytes takes: key, length, payload. */
  public static int lengthDelimitedSize(int field, int length) {
    return tagSize(field) + varintSize(length) + length;
  }

  // ---- fields ----

  /** An int64, int32 or enum field (int32 negatives take ten bytes, as the format says). */
  public void writeInt64Field(int field, long v) {
    if (v != 0) {
      writeTag(field, ProtoReader.VARINT);
      writeVarint64(v);
    }
  }

  public void writeBoolField(int field, boolean v) {
    if (v) {
      writeTag(field, ProtoReader.VARINT);
      writeVarint32(1);
    }
  }

  public void writeDoubleField(int field, double v) {
    if (Double.doubleToRawLongBits(v) != 0) {
      writeDoubleFieldAlways(field, v);
    }
  }

  public void writeDoubleFieldAlways(int field, double v) {
    writeTag(field, ProtoReader.I64);
    writeFixed64(Double.doubleToRawLongBits(v));
  }

  public void writeFloatField(int field, float v) {
    if (Float.floatToRawIntBits(v) != 0) {
      writeFloatFieldAlways(field, v);
    }
  }

  public void writeFloatFieldAlways(int field, float v) {
    writeTag(field, ProtoReader.I32);
    writeFixed32(Float.floatToRawIntBits(v));
  }

  public void writeStringField(int field, String s) {
    if (s != null && !s.isEmpty()) {
      writeStringFieldAlways(field, s);
    }
  }

  public void writeStringFieldAlways(int field, String s) {
    writeBytesFieldAlways(field, s.getBytes(StandardCharsets.UTF_8));
  }

  public void writeBytesField(int field, byte[] b) {
    if (b != null && b.length > 0) {
      writeBytesFieldAlways(field, b);
    }
  }

  public void writeBytesFieldAlways(int field, byte[] b) {
    writeTag(field, ProtoReader.LEN);
    writeVarint32(b.length);
    writeRaw(b, 0, b.length);
  }

  /**
   * The key and the length of a length-delimited field (bytes, string, message) whose {@code length}
   * bytes the caller writes next: for a message whose size is known beforehand, which is then
   * written straight after its prefix instead of moved behind it.
   */
  public void writeLengthDelimitedHead(int field, int length) {
    ensure(10);
    size = putLengthDelimitedHead(buf, size, field, length);
  }

  /** Writes a nested message (always, even when empty: presence of a message field matters). */
  public void writeMessageField(int field, Encodable message) {
    writeTag(field, ProtoReader.LEN);
    int start = size;
    message.encodeTo(this);
    insertLengthPrefix(start);
  }

  /** Inserts the varint length of the bytes written since {@code start} in front of them. */
  private void insertLengthPrefix(int start) {
    int len = size - start;
    int prefix = varintSize(len);
    ensure(prefix);
    System.arraycopy(buf, start, buf, start + prefix, len);
    putVarint32(buf, start, len);
    size += prefix;
  }

  public void writePackedFloats(int field, float[] values) {
    if (values != null && values.length > 0) {
      writeTag(field, ProtoReader.LEN);
      writeVarint32(values.length * 4);
      ensure(values.length * 4);
      for (float v : values) {
        INT_LE.set(buf, size, Float.floatToRawIntBits(v));
        size += 4;
      }
    }
  }

  public void writePackedDoubles(int field, double[] values) {
    if (values != null && values.length > 0) {
      writeTag(field, ProtoReader.LEN);
      writeVarint32(values.length * 8);
      ensure(values.length * 8);
      for (double v : values) {
        LONG_LE.set(buf, size, Double.doubleToRawLongBits(v));
        size += 8;
      }
    }
  }

  public void writePackedVarints(int field, long[] values) {
    if (values != null && values.length > 0) {
      writeTag(field, ProtoReader.LEN);
      int start = size;
      for (long v : values) {
        writeVarint64(v);
      }
      insertLengthPrefix(start);
    }
  }

  public void writePackedInts(int field, int[] values) {
    if (values != null && values.length > 0) {
      writeTag(field, ProtoReader.LEN);
      int start = size;
      for (int v : values) {
        writeVarint64(v);
      }
      insertLengthPrefix(start);
    }
  }

  public void writePackedBools(int field, boolean[] values) {
    if (values != null && values.length > 0) {
      writeTag(field, ProtoReader.LEN);
      writeVarint32(values.length);
      ensure(values.length);
      for (boolean v : values) {
        buf[size++] = (byte) (v ? 1 : 0);
      }
    }
  }
}
