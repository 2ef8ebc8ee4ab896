package dev.trainscope.events.wire;

import dev.trainscope.events.proto.MalformedProtoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over protocol buffer wire format bytes, for hand-written decoders.
 *
 * <p>The wire format, as far as a decoder needs it: a message is a sequence of fields, each a key
 * varint {@code (field_number << 3) | wire_type} followed by a payload whose shape the wire type
 * gives: 0 VARINT (1-10 bytes, 7 bits each, little end first), 1 I64 (8 bytes little endian),
 * 2 LEN (a varint length, then that many bytes: strings, bytes, nested messages, packed repeated
 * scalars), 5 I32 (4 bytes little endian); 3 and 4 are the deprecated group delimiters. A field may
 * appear several times: for a singular field the last one wins, for a repeated field each adds.
 *
 * <p>Every read checks its bounds against the current limit and throws {@link
 * MalformedProtoException} with the offending offset rather than reading past it, so a reader over
 * hostile bytes never throws anything else and never allocates more than the bytes it was given.
 */
public final class ProtoReader {
  public static final int VARINT = 0;
  public static final int I64 = 1;
  public static final int LEN = 2;
  public static final int START_GROUP = 3;
  public static final int END_GROUP = 4;
  public static final int I32 = 5;

  /** Nested messages deeper than this are refused, as protobuf's own parsers refuse them. */
  public static final int MAX_DEPTH = 100;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int base;
  private int pos;
  private int limit;
  private int depth;
  private int lastTag;

  private ProtoReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + offset + "+" + length + ") outside array of " + buf.length);
    }
    this.buf = buf;
    this.base = offset;
    this.pos = offset;
    this.limit = offset + length;
  }

  /**
   * Points this reader at another range, so that a hot loop can reuse one reader instead of
   * allocating one per message.
   */
  public ProtoReader reset(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + offset + "+" + length + ") outside array of " + bytes.length);
    }
    this.buf = bytes;
    this.base = offset;
    this.pos = offset;
    this.limit = offset + length;
    this.depth = 0;
    this.lastTag = 0;
    return this;
  }

  public static ProtoReader of(byte[] bytes) {
    return new ProtoReader(bytes, 0, bytes.length);
  }

  public static ProtoReader of(byte[] bytes, int offset, int length) {
    return new ProtoReader(bytes, offset, length);
  }

  /** True when the current (sub)message has no bytes left. */
  public boolean atEnd() {
    return pos >= limit;
  }

  /** The backing array (positions from {@link #arrayPosition()} index into it). */
  public byte[] array() {
    return buf;
  }

  /** The position relative to the start of the range this reader was created on. */
  public int position() {
    return pos - base;
  }

  /** The absolute index of the next byte in the backing array. */
  public int arrayPosition() {
    return pos;
  }

  /**
   * Reads the next field key, or returns 0 at the end of the current message. Throws when the key
   * names field 0 or a wire type that does not exist.
   */
  public int readTag() {
    if (pos >= limit) {
      lastTag = 0;
      return 0;
    }
    int at = pos;
    long key = readVarint64();
    int wireType = (int) (key & 7);
    long field = key >>> 3;
    if (field == 0 || field > 0x1FFFFFFFL) {
      throw new MalformedProtoException("invalid field number " + field, at - base);
    }
    if (wireType > I32) {
      throw new MalformedProtoException("invalid wire type " + wireType + " for field " + field, at - base);
    }
    lastTag = (int) key;
    return lastTag;
  }

  public static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  public static int wireType(int tag) {
    return tag & 7;
  }

  /** Fails unless the last tag read has the given wire type; names the field for the message. */
  public void expect(int tag, int wireType, String fieldName) {
    if ((tag & 7) != wireType) {
      throw new MalformedProtoException(
          "field " + fieldName + " (" + (tag >>> 3) + ") has wire type " + wireTypeName(tag & 7)
              + ", expected " + wireTypeName(wireType),
          pos - base);
    }
  }

  static String wireTypeName(int wireType) {
    switch (wireType) {
      case VARINT: return "VARINT";
      case I64: return "I64";
      case LEN: return "LEN";
      case START_GROUP: return "SGROUP";
      case END_GROUP: return "EGROUP";
      case I32: return "I32";
      default: return "invalid(" + wireType + ")";
    }
  }

  public long readVarint64() {
    int p = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        throw new MalformedProtoException("varint runs past the end of its message", p - base);
      }
      byte b = buf[p++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        pos = p;
        return result;
      }
    }
    throw new MalformedProtoException("varint longer than 10 bytes", pos - base);
  }

  /** An int32/int64/uint64/enum field; int32 values are sign-extended to 64 bits on the wire. */
  public long readInt64() {
    return readVarint64();
  }

  public int readInt32() {
    return (int) readVarint64();
  }

  public boolean readBool() {
    return readVarint64() != 0;
  }

  public long readSInt64() {
    long n = readVarint64();
    return (n >>> 1) ^ -(n & 1);
  }

  public long readFixed64() {
    if (limit - pos < 8) {
      throw new MalformedProtoException("fixed64 runs past the end of its message", pos - base);
    }
    long v = (long) LONG_LE.get(buf, pos);
    pos += 8;
    return v;
  }

  public int readFixed32() {
    if (limit - pos < 4) {
      throw new MalformedProtoException("fixed32 runs past the end of its message", pos - base);
    }
    int v = (int) INT_LE.get(buf, pos);
    pos += 4;
    return v;
  }

  public double readDouble() {
    return Double.longBitsToDouble(readFixed64());
  }

  public float readFloat() {
    return Float.intBitsToFloat(readFixed32());
  }

  /** Reads a LEN prefix and checks that that many bytes remain; returns the length. */
  public int readLength() {
    int at = pos;
    long len = readVarint64();
    if (len < 0 || len > limit - pos) {
      throw new MalformedProtoException(
          "length " + len + " exceeds the " + (limit - pos) + " bytes left in its message", at - base);
    }
    return (int) len;
  }

  public byte[] readBytes() {
    int len = readLength();
    byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return out;
  }

  public String readString() {
    int len = readLength();
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  /**
   * Enters a nested message: reads its length and narrows the limit to it. Returns the old limit,
   * to be handed to {@link #popLimit} once the nested message has been read.
   */
  public int pushLimit() {
    int len = readLength();
    if (++depth > MAX_DEPTH) {
      throw new MalformedProtoException("messages nested deeper than " + MAX_DEPTH, pos - base);
    }
    int old = limit;
    limit = pos + len;
    return old;
  }

  public void popLimit(int oldLimit) {
    if (pos != limit) {
      throw new MalformedProtoException("nested message not fully read", pos - base);
    }
    depth--;
    limit = oldLimit;
  }

  /** Reads a nested message with the given decoder, which must consume it to its end. */
  public <T> T readMessage(Decoder<T> decoder) {
    int old = pushLimit();
    T value = decoder.decode(this);
    popLimit(old);
    return value;
  }

  /** Decodes one message body from a reader positioned at its first field. */
  @FunctionalInterface
  public interface Decoder<T> {
    T decode(ProtoReader reader);
  }

  /** Skips the payload of a field whose tag was just read. */
  public void skipField(int tag) {
    switch (tag & 7) {
      case VARINT:
        readVarint64();
        break;
      case I64:
        skipBytes(8);
        break;
      case LEN:
        int len = readLength();
        pos += len;
        break;
      case I32:
        skipBytes(4);
        break;
      case START_GROUP:
        skipGroup(tag >>> 3);
        break;
      case END_GROUP:
        throw new MalformedProtoException("end-group key without a start-group", pos - base);
      default:
        throw new MalformedProtoException("invalid wire type " + (tag & 7), pos - base);
    }
  }

  private void skipGroup(int fieldNumber) {
    if (++depth > MAX_DEPTH) {
      throw new MalformedProtoException("groups nested deeper than " + MAX_DEPTH, pos - base);
    }
    while (true) {
      int t = readTag();
      if (t == 0) {
        throw new MalformedProtoException("group " + fieldNumber + " has no end-group key", pos - base);
      }
      if ((t & 7) == END_GROUP) {
        if ((t >>> 3) != fieldNumber) {
          throw new MalformedProtoException(
              "end-group " + (t >>> 3) + " closes group " + fieldNumber, pos - base);
        }
        depth--;
        return;
      }
      skipField(t);
    }
  }

  /** Skips {@code n} raw bytes, as after {@link #readLength}. */
  public void skipRaw(int n) {
    skipBytes(n);
  }

  private void skipBytes(int n) {
    if (limit - pos < n) {
      throw new MalformedProtoException("field runs past the end of its message", pos - base);
    }
    pos += n;
  }

  // ---- repeated scalars, packed (LEN) or one element per key ----

  /** Appends the elements of a repeated float field occurrence (packed or not) to {@code into}. */
  public void readFloats(int tag, FloatList into) {
    if ((tag & 7) == LEN) {
      int len = readLength();
      if (len % 4 != 0) {
        throw new MalformedProtoException("packed float field of " + len + " bytes", pos - base);
      }
      into.ensureExtra(len / 4);
      for (int end = pos + len; pos < end; pos += 4) {
        into.add(Float.intBitsToFloat((int) INT_LE.get(buf, pos)));
      }
    } else {
      expect(tag, I32, "float element");
      into.add(readFloat());
    }
  }

  public void readDoubles(int tag, DoubleList into) {
    if ((tag & 7) == LEN) {
      int len = readLength();
      if (len % 8 != 0) {
        throw new MalformedProtoException("packed double field of " + len + " bytes", pos - base);
      }
      into.ensureExtra(len / 8);
      for (int end = pos + len; pos < end; pos += 8) {
        into.add(Double.longBitsToDouble((long) LONG_LE.get(buf, pos)));
      }
    } else {
      expect(tag, I64, "double element");
      into.add(readDouble());
    }
  }

  /** Varint-encoded repeated integers (int32, int64, uint32, uint64, bool, enum). */
  public void readVarints(int tag, LongList into) {
    if ((tag & 7) == LEN) {
      int old = pushLimit();
      while (pos < limit) {
        into.add(readVarint64());
      }
      popLimit(old);
    } else {
      expect(tag, VARINT, "varint element");
      into.add(readVarint64());
    }
  }

  /** A growable float array without boxing. */
  public static final class FloatList {
    private float[] a = new float[4];
    private int n;

    void ensureExtra(int extra) {
      if (n + extra > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + extra));
      }
    }

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    public float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** A growable double array without boxing. */
  public static final class DoubleList {
    private double[] a = new double[4];
    private int n;

    void ensureExtra(int extra) {
      if (n + extra > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + extra));
      }
    }

    void add(double v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    public double[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** A growable long array without boxing. */
  public static final class LongList {
    private long[] a = new long[4];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    public long[] toArray() {
      return Arrays.copyOf(a, n);
    }

    public int[] toIntArray() {
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = (int) a[i];
      }
      return out;
    }

    public boolean[] toBoolArray() {
      boolean[] out = new boolean[n];
      for (int i = 0; i < n; i++) {
        out[i] = a[i] != 0;
      }
      return out;
    }
  }
}
