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
public sealed interface AttrValue {

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
  }

  record Int(long value) implements AttrValue {
    @Override
    public String display() {
      return Long.toString(value);
    }
  }

  record Flt(float value) implements AttrValue {
    @Override
    public String display() {
      return Float.toString(value);
    }
  }

  record Bool(boolean value) implements AttrValue {
    @Override
    public String display() {
      return Boolean.toString(value);
    }
  }

  record Type(int code) implements AttrValue {
    @Override
    public String display() {
      return typeName(code);
    }
  }

  record Shape(TensorShape shape) implements AttrValue {
    @Override
    public String display() {
      return shapeText(shape);
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
  }

  record Placeholder(String name) implements AttrValue {
    @Override
    public String display() {
      return "$" + name;
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
