package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code TensorShapeProto { repeated Dim dim = 2; bool unknown_rank = 3; }} with
 * {@code Dim { int64 size = 1; string name = 2; }}. A size of -1 is an unknown dimension.
 */
public record TensorShape(List<Dim> dims, boolean unknownRank) {
  public static final TensorShape SCALAR = new TensorShape(List.of(), false);

  public TensorShape {
    dims = List.copyOf(dims);
  }

  /** One dimension. */
  public record Dim(long size, String name) {
    public Dim {
      Objects.requireNonNull(name, "name");
    }

    static Dim decode(ProtoReader r) {
      long size = 0;
      String name = "";
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.VARINT, "dim.size"); size = r.readInt64(); break;
          case 2: r.expect(t, ProtoReader.LEN, "dim.name"); name = r.readString(); break;
          default: r.skipField(t);
        }
      }
      return new Dim(size, name);
    }

    void encodeTo(ProtoWriter w) {
      w.writeInt64Field(1, size);
      w.writeStringField(2, name);
    }
  }

  public static TensorShape of(long... sizes) {
    List<Dim> dims = new ArrayList<>(sizes.length);
    for (long s : sizes) {
      dims.add(new Dim(s, ""));
    }
    return new TensorShape(dims, false);
  }

  public int rank() {
    return dims.size();
  }

  public long size(int i) {
    return dims.get(i).size();
  }

  public long[] sizes() {
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i).size();
    }
    return out;
  }

  /** The number of elements, or -1 when the rank or a dimension is unknown or the product overflows. */
  public long numElements() {
    if (unknownRank) {
      return -1;
    }
    long n = 1;
    for (Dim d : dims) {
      if (d.size() < 0) {
        return -1;
      }
      try {
        n = Math.multiplyExact(n, d.size());
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }

  /** Reads one TensorShape from its bytes (without a length prefix). */
  public static TensorShape parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one TensorShape from {@code length} bytes at {@code offset}. */
  public static TensorShape parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static TensorShape decode(ProtoReader r) {
    List<Dim> dims = new ArrayList<>(2);
    boolean unknown = false;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 2: r.expect(t, ProtoReader.LEN, "dim"); dims.add(r.readMessage(Dim::decode)); break;
        case 3: r.expect(t, ProtoReader.VARINT, "unknown_rank"); unknown = r.readBool(); break;
        default: r.skipField(t);
      }
    }
    return new TensorShape(dims, unknown);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    for (Dim d : dims) {
      w.writeMessageField(2, d::encodeTo);
    }
    w.writeBoolField(3, unknownRank);
  }

  @Override
  public String toString() {
    if (unknownRank) {
      return "<unknown>";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(dims.get(i).size());
    }
    return sb.append(']').toString();
  }
}
