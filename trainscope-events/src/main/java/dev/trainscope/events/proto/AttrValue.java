package dev.trainscope.events.proto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow's {@code AttrValue}: the value of one attribute of a graph node.
 *
 * <pre>
 * message AttrValue { oneof value { ListValue list = 1; bytes s = 2; int64 i = 3; float f = 4; bool b = 5;
 *   DataType type = 6; TensorShapeProto shape = 7; TensorProto tensor = 8; string placeholder = 9;
 *   NameAttrList func = 10; } }
 * message ListValue { repeated bytes s = 2; repeated int64 i = 3; repeated float f = 4; repeated bool b = 5;
 *   repeated DataType type = 6; repeated TensorShapeProto shape = 7; repeated TensorProto tensor = 8;
 *   repeated NameAttrList func = 9; }
 * message NameAttrList { string name = 1; map&lt;string, AttrValue&gt; attr = 2; }
 * </pre>
 *
 * A list is kept as a {@link ListOf} of single values, whatever their kinds.
 */
public sealed interface AttrValue extends ProtoWriter.Encodable {

  /** The value as a person reads it in a side panel. */
  String display();

  record Str(byte[] bytes) implements AttrValue {
    public String utf8() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String display() {
      return printable(bytes);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeBytesFieldAlways(2, bytes);
    }
  }

  record Int(long value) implements AttrValue {
    @Override
    public String display() {
      return Long.toString(value);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeTag(3, ProtoReader.VARINT);
      w.writeVarint64(value);
    }
  }

  record Flt(float value) implements AttrValue {
    @Override
    public String display() {
      return Float.toString(value);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeFloatFieldAlways(4, value);
    }
  }

  record Bool(boolean value) implements AttrValue {
    @Override
    public String display() {
      return Boolean.toString(value);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeTag(5, ProtoReader.VARINT);
      w.writeVarint32(value ? 1 : 0);
    }
  }

  record Type(int code) implements AttrValue {
    @Override
    public String display() {
      return typeName(code);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeTag(6, ProtoReader.VARINT);
      w.writeVarint64(code);
    }
  }

  record Shape(TensorShape shape) implements AttrValue {
    @Override
    public String display() {
      return shapeText(shape);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(7, shape);
    }
  }

  record Tensor(TensorProto tensor) implements AttrValue {
    @Override
    public String display() {
      String head = typeName(tensor.dtype()) + " " + shapeText(tensor.shape());
      long n = tensor.numElements();
      if (n >= 0 && n <= 8 && tensor.dataType().isRealNumber()) {
        double[] v = tensor.toDoubleArray();
        StringBuilder sb = new StringBuilder(head).append(" = ");
        if (v.length == 1 && tensor.shape().rank() == 0) {
          return sb.append(number(v[0])).toString();
        }
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
          sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(']').toString();
      }
      if (n == 1 && tensor.dataType() == DataType.DT_STRING && !tensor.strings().isEmpty()) {
        return head + " = \"" + printable(tensor.strings().get(0)) + "\"";
      }
      return head;
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(8, tensor);
    }
  }

  record Placeholder(String name) implements AttrValue {
    @Override
    public String display() {
      return "$" + name;
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringFieldAlways(9, name);
    }
  }

  record Func(String name, Map<String, AttrValue> attrs) implements AttrValue {
    public Func {
      attrs = Map.copyOf(attrs);
    }

    @Override
    public String display() {
      return name;
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(10, nameAttrList(this));
    }
  }

  /** A {@code ListValue}: the elements of all its repeated fields, in field order. */
  record ListOf(List<AttrValue> values) implements AttrValue {
    public ListOf {
      values = List.copyOf(values);
    }

    @Override
    public String display() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < values.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(values.get(i).display());
        if (sb.length() > 400) {
          return sb.append(", ... (").append(values.size()).append(" values)]").toString();
        }
      }
      return sb.append(']').toString();
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(1, lw -> {
        for (AttrValue v : values) {
          if (v instanceof Str s) {
            lw.writeBytesFieldAlways(2, s.bytes());
          } else if (v instanceof Int i) {
            lw.writeTag(3, ProtoReader.VARINT);
            lw.writeVarint64(i.value());
          } else if (v instanceof Flt f) {
            lw.writeFloatFieldAlways(4, f.value());
          } else if (v instanceof Bool b) {
            lw.writeTag(5, ProtoReader.VARINT);
            lw.writeVarint32(b.value() ? 1 : 0);
          } else if (v instanceof Type t) {
            lw.writeTag(6, ProtoReader.VARINT);
            lw.writeVarint64(t.code());
          } else if (v instanceof Shape s) {
            lw.writeMessageField(7, s.shape());
          } else if (v instanceof Tensor t) {
            lw.writeMessageField(8, t.tensor());
          } else if (v instanceof Func f) {
            lw.writeMessageField(9, nameAttrList(f));
          } else {
            throw new IllegalArgumentException("a ListValue cannot hold " + v.getClass().getSimpleName());
          }
        }
      });
    }
  }

  /** A string, as its UTF-8 bytes. */
  public static AttrValue str(String s) {
    return new Str(s.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code list { shape {...} ... }}: what {@code _output_shapes} holds. */
  public static AttrValue shapes(List<TensorShape> shapes) {
    List<AttrValue> l = new ArrayList<>(shapes.size());
    for (TensorShape s : shapes) {
      l.add(new Shape(s));
    }
    return new ListOf(l);
  }

  static AttrValue decode(ProtoReader r) {
    AttrValue v = new ListOf(List.of());
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "list"); v = r.readMessage(AttrValue::decodeList); break;
        case 2: r.expect(t, ProtoReader.LEN, "s"); v = new Str(r.readBytes()); break;
        case 3: r.expect(t, ProtoReader.VARINT, "i"); v = new Int(r.readInt64()); break;
        case 4: r.expect(t, ProtoReader.I32, "f"); v = new Flt(r.readFloat()); break;
        case 5: r.expect(t, ProtoReader.VARINT, "b"); v = new Bool(r.readBool()); break;
        case 6: r.expect(t, ProtoReader.VARINT, "type"); v = new Type(r.readInt32()); break;
        case 7: r.expect(t, ProtoReader.LEN, "shape"); v = new Shape(r.readMessage(TensorShape::decode)); break;
        case 8: r.expect(t, ProtoReader.LEN, "tensor"); v = new Tensor(r.readMessage(TensorProto::decode)); break;
        case 9: r.expect(t, ProtoReader.LEN, "placeholder"); v = new Placeholder(r.readString()); break;
        case 10: r.expect(t, ProtoReader.LEN, "func"); v = r.readMessage(AttrValue::decodeFunc); break;
        default: r.skipField(t);
      }
    }
    return v;
  }

  private static ListOf decodeList(ProtoReader r) {
    List<AttrValue> out = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      int field = ProtoReader.fieldNumber(t);
      boolean packed = ProtoReader.wireType(t) == ProtoReader.LEN;
      switch (field) {
        case 2: r.expect(t, ProtoReader.LEN, "list.s"); out.add(new Str(r.readBytes())); break;
        case 3: case 5: case 6:
          if (packed) {
            int old = r.pushLimit();
            while (!r.atEnd()) {
              out.add(scalar(field, r.readVarint64()));
            }
            r.popLimit(old);
          } else {
            r.expect(t, ProtoReader.VARINT, "list value");
            out.add(scalar(field, r.readVarint64()));
          }
          break;
        case 4:
          if (packed) {
            int old = r.pushLimit();
            while (!r.atEnd()) {
              out.add(new Flt(r.readFloat()));
            }
            r.popLimit(old);
          } else {
            r.expect(t, ProtoReader.I32, "list.f");
            out.add(new Flt(r.readFloat()));
          }
          break;
        case 7: r.expect(t, ProtoReader.LEN, "list.shape"); out.add(new Shape(r.readMessage(TensorShape::decode))); break;
        case 8: r.expect(t, ProtoReader.LEN, "list.tensor"); out.add(new Tensor(r.readMessage(TensorProto::decode))); break;
        case 9: r.expect(t, ProtoReader.LEN, "list.func"); out.add(r.readMessage(AttrValue::decodeFunc)); break;
        default: r.skipField(t);
      }
    }
    return new ListOf(out);
  }

  private static AttrValue scalar(int field, long v) {
    switch (field) {
      case 3: return new Int(v);
      case 5: return new Bool(v != 0);
      default: return new Type((int) v);
    }
  }

  private static Func decodeFunc(ProtoReader r) {
    String name = "";
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "func.name"); name = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "func.attr"); NodeDef.readAttrEntry(r, attrs); break;
        default: r.skipField(t);
      }
    }
    return new Func(name, attrs);
  }

  private static ProtoWriter.Encodable nameAttrList(Func f) {
    return w -> {
      w.writeStringField(1, f.name());
      NodeDef.writeAttrs(w, 2, f.attrs());
    };
  }

  /** {@code DT_FLOAT} as {@code float32}, as people say it. */
  static String typeName(int code) {
    DataType t = DataType.of(code);
    String ref = code > 100 ? "&" : "";
    switch (t) {
      case DT_FLOAT: return "float32" + ref;
      case DT_DOUBLE: return "float64" + ref;
      case DT_HALF: return "float16" + ref;
      case DT_BFLOAT16: return "bfloat16" + ref;
      case DT_INVALID: return code == 0 ? "invalid" : "type " + code;
      default: return t.name().substring(3).toLowerCase() + ref;
    }
  }

  /** {@code [?, 28, 28, 1]}: unknown sizes as '?', an unknown rank as "?". */
  static String shapeText(TensorShape s) {
    if (s.unknownRank()) {
      return "?";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < s.rank(); i++) {
      long n = s.size(i);
      sb.append(i == 0 ? "" : ", ").append(n < 0 ? "?" : Long.toString(n));
    }
    return sb.append(']').toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** UTF-8 text when the bytes are text, else a hex summary; never longer than about 200 characters. */
  private static String printable(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    boolean text = !s.contains("\uFFFD");
    for (int i = 0; text && i < s.length(); i++) {
      char c = s.charAt(i);
      text = c >= 0x20 || c == '\n' || c == '\t' || c == '\r';
    }
    if (!text) {
      return b.length + " bytes";
    }
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
