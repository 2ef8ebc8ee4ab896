package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * TensorFlow's {@code TensorProto} ({@code tensorboard/compat/proto/tensor.proto}), the payload of
 * every tensor-style summary.
 *
 * <pre>
 * message TensorProto {
 *   DataType dtype = 1;  TensorShapeProto tensor_shape = 2;  int32 version_number = 3;
 *   bytes tensor_content = 4;                          // raw little-endian elements, any dtype
 *   repeated float float_val = 5;  repeated double double_val = 6;  repeated int32 int_val = 7;
 *   repeated bytes string_val = 8; repeated float scomplex_val = 9; repeated int64 int64_val = 10;
 *   repeated bool bool_val = 11;   repeated double dcomplex_val = 12; repeated int32 half_val = 13;
 *   repeated uint32 uint32_val = 16; repeated uint64 uint64_val = 17;
 * }
 * </pre>
 *
 * Only one representation is set. When a typed list holds fewer values than the shape asks for,
 * its last value fills the rest (a single value is broadcast), as TensorFlow reads it. Fields 14,
 * 15 and 18 (resource handles, variants, float8) are skipped.
 */
public record TensorProto(
    int dtype,
    TensorShape shape,
    int versionNumber,
    byte[] tensorContent,
    float[] floatVal,
    double[] doubleVal,
    int[] intVal,
    List<byte[]> stringVal,
    long[] int64Val,
    boolean[] boolVal,
    int[] halfVal,
    float[] scomplexVal,
    double[] dcomplexVal,
    long[] uint32Val,
    long[] uint64Val)
    implements SummaryValue.Kind {

  // Field numbers of TensorProto.
  public static final int DTYPE = 1;
  public static final int TENSOR_SHAPE = 2;
  public static final int VERSION_NUMBER = 3;
  public static final int TENSOR_CONTENT = 4;
  public static final int FLOAT_VAL = 5;
  public static final int DOUBLE_VAL = 6;
  public static final int INT_VAL = 7;
  public static final int STRING_VAL = 8;
  public static final int SCOMPLEX_VAL = 9;
  public static final int INT64_VAL = 10;
  public static final int BOOL_VAL = 11;
  public static final int DCOMPLEX_VAL = 12;
  public static final int HALF_VAL = 13;
  public static final int UINT32_VAL = 16;
  public static final int UINT64_VAL = 17;

  /** Values materialised by {@link #toDoubleArray} and {@link #strings} are capped at this count. */
  public static final int MAX_MATERIALIZED_ELEMENTS = 1 << 26;

  /** A short list is filled up to the shape (the last value repeated) only up to this many elements. */
  public static final int MAX_BROADCAST_ELEMENTS = 1 << 16;

  private static final float[] NO_FLOATS = {};
  private static final double[] NO_DOUBLES = {};
  private static final int[] NO_INTS = {};
  private static final long[] NO_LONGS = {};
  private static final boolean[] NO_BOOLS = {};
  private static final byte[] NO_BYTES = {};

  public TensorProto {
    Objects.requireNonNull(shape, "shape");
    tensorContent = tensorContent == null ? NO_BYTES : tensorContent;
    floatVal = floatVal == null ? NO_FLOATS : floatVal;
    doubleVal = doubleVal == null ? NO_DOUBLES : doubleVal;
    intVal = intVal == null ? NO_INTS : intVal;
    stringVal = stringVal == null ? List.of() : List.copyOf(stringVal);
    int64Val = int64Val == null ? NO_LONGS : int64Val;
    boolVal = boolVal == null ? NO_BOOLS : boolVal;
    halfVal = halfVal == null ? NO_INTS : halfVal;
    scomplexVal = scomplexVal == null ? NO_FLOATS : scomplexVal;
    dcomplexVal = dcomplexVal == null ? NO_DOUBLES : dcomplexVal;
    uint32Val = uint32Val == null ? NO_LONGS : uint32Val;
    uint64Val = uint64Val == null ? NO_LONGS : uint64Val;
  }

  // ---- factories ----

  public static TensorProto ofFloats(TensorShape shape, float... values) {
    return new TensorProto(DataType.DT_FLOAT.code(), shape, 0, null, values, null, null, null, null, null,
        null, null, null, null, null);
  }

  public static TensorProto ofDoubles(TensorShape shape, double... values) {
    return new TensorProto(DataType.DT_DOUBLE.code(), shape, 0, null, null, values, null, null, null, null,
        null, null, null, null, null);
  }

  public static TensorProto ofInt64s(TensorShape shape, long... values) {
    return new TensorProto(DataType.DT_INT64.code(), shape, 0, null, null, null, null, null, values, null,
        null, null, null, null, null);
  }

  public static TensorProto ofStrings(TensorShape shape, List<byte[]> values) {
    return new TensorProto(DataType.DT_STRING.code(), shape, 0, null, null, null, null, values, null, null,
        null, null, null, null, null);
  }

  /** A tensor given as raw little-endian {@code tensor_content}. */
  public static TensorProto ofContent(DataType dtype, TensorShape shape, byte[] content) {
    return new TensorProto(dtype.code(), shape, 0, content, null, null, null, null, null, null,
        null, null, null, null, null);
  }

  /** A rank-0 DT_FLOAT tensor: what the scalars plugin stores per value. */
  public static TensorProto scalar(float value) {
    return ofFloats(TensorShape.SCALAR, value);
  }

  // ---- reading ----

  public DataType dataType() {
    return DataType.of(dtype);
  }

  /** The element count from the shape, or -1 when the shape is unknown. */
  public long numElements() {
    return shape.numElements();
  }

  /**
   * The number of elements actually present in the typed list or tensor_content; throws {@link
   * MalformedProtoException} when tensor_content is not a whole number of elements.
   */
  public int storedCount() {
    DataType t = dataType();
    if (tensorContent.length > 0) {
      if (t.width() == 0) {
        return 0;
      }
      if (tensorContent.length % t.width() != 0) {
        throw new MalformedProtoException("tensor_content of " + tensorContent.length + " bytes is not a whole number of "
            + t + " elements", 0);
      }
      return tensorContent.length / t.width();
    }
    switch (t) {
      case DT_FLOAT: return floatVal.length;
      case DT_DOUBLE: return doubleVal.length;
      case DT_INT32: case DT_INT16: case DT_INT8: case DT_UINT8: case DT_UINT16:
      case DT_QINT8: case DT_QUINT8: case DT_QINT16: case DT_QUINT16: case DT_QINT32:
        return intVal.length;
      case DT_INT64: return int64Val.length;
      case DT_BOOL: return boolVal.length;
      case DT_HALF: case DT_BFLOAT16: return halfVal.length;
      case DT_UINT32: return uint32Val.length;
      case DT_UINT64: return uint64Val.length;
      case DT_STRING: return stringVal.size();
      case DT_COMPLEX64: return scomplexVal.length / 2;
      case DT_COMPLEX128: return dcomplexVal.length / 2;
      default: return 0;
    }
  }

  /** The i-th stored element (no broadcasting) of a real-number tensor, as a double. */
  public double storedDouble(int i) {
    DataType t = dataType();
    if (tensorContent.length > 0) {
      return contentElement(t, tensorContent, i);
    }
    switch (t) {
      case DT_FLOAT: return floatVal[i];
      case DT_DOUBLE: return doubleVal[i];
      case DT_INT32: case DT_INT16: case DT_INT8: case DT_UINT8: case DT_UINT16:
      case DT_QINT8: case DT_QUINT8: case DT_QINT16: case DT_QUINT16: case DT_QINT32:
        return intVal[i];
      case DT_INT64: return int64Val[i];
      case DT_BOOL: return boolVal[i] ? 1 : 0;
      case DT_HALF: return Halfs.halfToFloat(halfVal[i]);
      case DT_BFLOAT16: return Float.intBitsToFloat(halfVal[i] << 16);
      case DT_UINT32: return uint32Val[i];
      case DT_UINT64: return unsignedToDouble(uint64Val[i]);
      default:
        throw new IllegalStateException(t + " elements are not real numbers");
    }
  }

  static double contentElement(DataType t, byte[] c, int i) {
    return elementAt(t, c, i * t.width());
  }

  /** The element of type {@code t} stored little-endian at {@code b[at]}, as a double. */
  public static double elementAt(DataType t, byte[] b, int at) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    switch (t) {
      case DT_FLOAT: return bb.getFloat(at);
      case DT_DOUBLE: return bb.getDouble(at);
      case DT_INT32: case DT_QINT32: return bb.getInt(at);
      case DT_UINT8: case DT_QUINT8: return b[at] & 0xFF;
      case DT_INT8: case DT_QINT8: return b[at];
      case DT_INT16: case DT_QINT16: return bb.getShort(at);
      case DT_UINT16: case DT_QUINT16: return bb.getShort(at) & 0xFFFF;
      case DT_INT64: return bb.getLong(at);
      case DT_BOOL: return b[at] != 0 ? 1 : 0;
      case DT_HALF: return Halfs.halfToFloat(bb.getShort(at) & 0xFFFF);
      case DT_BFLOAT16: return Float.intBitsToFloat((bb.getShort(at) & 0xFFFF) << 16);
      case DT_UINT32: return bb.getInt(at) & 0xFFFFFFFFL;
      case DT_UINT64: return unsignedToDouble(bb.getLong(at));
      default:
        throw new IllegalStateException(t + " elements are not real numbers");
    }
  }

  /**
   * An element stored as a varint (int_val, int64_val, bool_val, half_val, uint32_val,
   * uint64_val), as a double.
   */
  public static double fromVarint(DataType t, long v) {
    switch (t) {
      case DT_INT64: return v;
      case DT_UINT64: return unsignedToDouble(v);
      case DT_UINT32: return v & 0xFFFFFFFFL;
      case DT_BOOL: return v != 0 ? 1 : 0;
      case DT_HALF: return Halfs.halfToFloat((int) v & 0xFFFF);
      case DT_BFLOAT16: return Float.intBitsToFloat(((int) v & 0xFFFF) << 16);
      default: return (int) v;
    }
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }

  /** True for a rank-0 tensor of a real-number type holding a value: a scalar summary. */
  public boolean isScalar() {
    return !shape.unknownRank() && shape.rank() == 0 && dataType().isRealNumber();
  }

  /**
   * All elements as doubles, in row-major order, with the last stored value filling a short list
   * (and zeros when nothing is stored). Throws {@link MalformedProtoException} when the shape asks
   * for more than {@link #MAX_MATERIALIZED_ELEMENTS} or the type is not a real number.
   */
  public double[] toDoubleArray() {
    DataType t = dataType();
    if (!t.isRealNumber()) {
      throw new MalformedProtoException(t + " tensor read as numbers", 0);
    }
    int n = materializedCount();
    int stored = storedCount();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = stored == 0 ? 0 : storedDouble(Math.min(i, stored - 1));
    }
    return out;
  }

  /** A DT_STRING tensor's elements; the last stored one fills a short list. */
  public List<byte[]> strings() {
    if (dataType() != DataType.DT_STRING) {
      throw new MalformedProtoException(dataType() + " tensor read as strings", 0);
    }
    int n = materializedCount();
    if (n == stringVal.size()) {
      return stringVal;
    }
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(stringVal.isEmpty() ? NO_BYTES : stringVal.get(Math.min(i, stringVal.size() - 1)));
    }
    return out;
  }

  /** A DT_STRING tensor's elements decoded as UTF-8. */
  public List<String> utf8Strings() {
    List<byte[]> raw = strings();
    List<String> out = new ArrayList<>(raw.size());
    for (byte[] b : raw) {
      out.add(new String(b, StandardCharsets.UTF_8));
    }
    return out;
  }

  private int materializedCount() {
    long n = numElements();
    int stored = storedCount();
    if (n < 0) {
      n = stored;
    }
    if (n > MAX_MATERIALIZED_ELEMENTS) {
      throw new MalformedProtoException("tensor of shape " + shape + " has more than "
          + MAX_MATERIALIZED_ELEMENTS + " elements", 0);
    }
    if (n > stored && n > MAX_BROADCAST_ELEMENTS) {
      // A few bytes must not make a reader allocate megabytes: broadcasting is for small constants.
      throw new MalformedProtoException("tensor of shape " + shape + " stores " + stored
          + " values; filling " + n + " elements from them is refused", 0);
    }
    return (int) n;
  }

  // ---- codec ----

  /** Reads one TensorProto from its bytes (without a length prefix). */
  public static TensorProto parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one TensorProto from {@code length} bytes at {@code offset}. */
  public static TensorProto parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static TensorProto decode(ProtoReader r) {
    int dtype = 0;
    TensorShape shape = TensorShape.SCALAR;
    int version = 0;
    byte[] content = null;
    ProtoReader.FloatList floats = null;
    ProtoReader.DoubleList doubles = null;
    ProtoReader.LongList ints = null;
    List<byte[]> strings = null;
    ProtoReader.FloatList scomplex = null;
    ProtoReader.LongList int64s = null;
    ProtoReader.LongList bools = null;
    ProtoReader.DoubleList dcomplex = null;
    ProtoReader.LongList halfs = null;
    ProtoReader.LongList uint32s = null;
    ProtoReader.LongList uint64s = null;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case DTYPE: r.expect(t, ProtoReader.VARINT, "dtype"); dtype = r.readInt32(); break;
        case TENSOR_SHAPE: r.expect(t, ProtoReader.LEN, "tensor_shape"); shape = r.readMessage(TensorShape::decode); break;
        case VERSION_NUMBER: r.expect(t, ProtoReader.VARINT, "version_number"); version = r.readInt32(); break;
        case TENSOR_CONTENT: r.expect(t, ProtoReader.LEN, "tensor_content"); content = r.readBytes(); break;
        case FLOAT_VAL: r.readFloats(t, floats = floats == null ? new ProtoReader.FloatList() : floats); break;
        case DOUBLE_VAL: r.readDoubles(t, doubles = doubles == null ? new ProtoReader.DoubleList() : doubles); break;
        case INT_VAL: r.readVarints(t, ints = ints == null ? new ProtoReader.LongList() : ints); break;
        case STRING_VAL:
          r.expect(t, ProtoReader.LEN, "string_val");
          if (strings == null) {
            strings = new ArrayList<>();
          }
          strings.add(r.readBytes());
          break;
        case SCOMPLEX_VAL: r.readFloats(t, scomplex = scomplex == null ? new ProtoReader.FloatList() : scomplex); break;
        case INT64_VAL: r.readVarints(t, int64s = int64s == null ? new ProtoReader.LongList() : int64s); break;
        case BOOL_VAL: r.readVarints(t, bools = bools == null ? new ProtoReader.LongList() : bools); break;
        case DCOMPLEX_VAL: r.readDoubles(t, dcomplex = dcomplex == null ? new ProtoReader.DoubleList() : dcomplex); break;
        case HALF_VAL: r.readVarints(t, halfs = halfs == null ? new ProtoReader.LongList() : halfs); break;
        case UINT32_VAL: r.readVarints(t, uint32s = uint32s == null ? new ProtoReader.LongList() : uint32s); break;
        case UINT64_VAL: r.readVarints(t, uint64s = uint64s == null ? new ProtoReader.LongList() : uint64s); break;
        default: r.skipField(t);
      }
    }
    long[] u32 = null;
    if (uint32s != null) {
      u32 = uint32s.toArray();
      for (int i = 0; i < u32.length; i++) {
        u32[i] &= 0xFFFFFFFFL;
      }
    }
    return new TensorProto(dtype, shape, version, content,
        floats == null ? null : floats.toArray(),
        doubles == null ? null : doubles.toArray(),
        ints == null ? null : ints.toIntArray(),
        strings,
        int64s == null ? null : int64s.toArray(),
        bools == null ? null : bools.toBoolArray(),
        halfs == null ? null : halfs.toIntArray(),
        scomplex == null ? null : scomplex.toArray(),
        dcomplex == null ? null : dcomplex.toArray(),
        u32,
        uint64s == null ? null : uint64s.toArray());
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeInt64Field(DTYPE, dtype);
    w.writeMessageField(TENSOR_SHAPE, shape::encodeTo);
    w.writeInt64Field(VERSION_NUMBER, versionNumber);
    w.writeBytesField(TENSOR_CONTENT, tensorContent);
    w.writePackedFloats(FLOAT_VAL, floatVal);
    w.writePackedDoubles(DOUBLE_VAL, doubleVal);
    w.writePackedInts(INT_VAL, intVal);
    for (byte[] s : stringVal) {
      w.writeBytesFieldAlways(STRING_VAL, s);
    }
    w.writePackedFloats(SCOMPLEX_VAL, scomplexVal);
    w.writePackedVarints(INT64_VAL, int64Val);
    w.writePackedBools(BOOL_VAL, boolVal);
    w.writePackedDoubles(DCOMPLEX_VAL, dcomplexVal);
    w.writePackedInts(HALF_VAL, halfVal);
    w.writePackedVarints(UINT32_VAL, uint32Val);
    w.writePackedVarints(UINT64_VAL, uint64Val);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorProto t)) {
      return false;
    }
    if (stringVal.size() != t.stringVal.size()) {
      return false;
    }
    for (int i = 0; i < stringVal.size(); i++) {
      if (!Arrays.equals(stringVal.get(i), t.stringVal.get(i))) {
        return false;
      }
    }
    return dtype == t.dtype && shape.equals(t.shape) && versionNumber == t.versionNumber
        && Arrays.equals(tensorContent, t.tensorContent) && Arrays.equals(floatVal, t.floatVal)
        && Arrays.equals(doubleVal, t.doubleVal) && Arrays.equals(intVal, t.intVal)
        && Arrays.equals(int64Val, t.int64Val) && Arrays.equals(boolVal, t.boolVal)
        && Arrays.equals(halfVal, t.halfVal) && Arrays.equals(scomplexVal, t.scomplexVal)
        && Arrays.equals(dcomplexVal, t.dcomplexVal) && Arrays.equals(uint32Val, t.uint32Val)
        && Arrays.equals(uint64Val, t.uint64Val);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(dtype, shape, versionNumber);
    h = h * 31 + Arrays.hashCode(tensorContent);
    h = h * 31 + Arrays.hashCode(floatVal);
    h = h * 31 + Arrays.hashCode(doubleVal);
    h = h * 31 + Arrays.hashCode(intVal);
    h = h * 31 + Arrays.hashCode(int64Val);
    for (byte[] s : stringVal) {
      h = h * 31 + Arrays.hashCode(s);
    }
    return h;
  }

  @Override
  public String toString() {
    String stored = tensorContent.length > 0 ? tensorContent.length + " content bytes" : storedCount() + " stored";
    return "TensorProto[" + dataType() + " " + shape + ", " + stored + "]";
  }
}
