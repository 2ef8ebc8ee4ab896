package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code google.protobuf.Value}: the dynamically typed values of hparams.
 *
 * <pre>
 * message Value { oneof kind { NullValue null_value = 1; double number_value = 2;
 *   string string_value = 3; bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; } }
 * message Struct { map&lt;string, Value&gt; fields = 1; }     message ListValue { repeated Value values = 1; }
 * </pre>
 */
public sealed interface ProtoValue extends ProtoWriter.Encodable {

  /** {@code null_value}, and a Value with no kind set. */
  enum Null implements ProtoValue {
    INSTANCE;

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeTag(1, ProtoReader.VARINT);
      w.writeVarint32(0);
    }
  }

  record Number(double value) implements ProtoValue {
    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeDoubleFieldAlways(2, value);
    }
  }

  record Text(String value) implements ProtoValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeStringFieldAlways(3, value);
    }
  }

  record Bool(boolean value) implements ProtoValue {
    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeTag(4, ProtoReader.VARINT);
      w.writeVarint32(value ? 1 : 0);
    }
  }

  record Struct(Map<String, ProtoValue> fields) implements ProtoValue {
    public Struct {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(5, sw -> writeMap(sw, 1, fields));
    }
  }

  record ListValue(List<ProtoValue> values) implements ProtoValue {
    public ListValue {
      values = List.copyOf(values);
    }

    @Override
    public void encodeTo(ProtoWriter w) {
      w.writeMessageField(6, lw -> {
        for (ProtoValue v : values) {
          lw.writeMessageField(1, v);
        }
      });
    }
  }

  static ProtoValue of(Object javaValue) {
    if (javaValue == null) {
      return Null.INSTANCE;
    }
    if (javaValue instanceof ProtoValue v) {
      return v;
    }
    if (javaValue instanceof java.lang.Number n) {
      return new Number(n.doubleValue());
    }
    if (javaValue instanceof Boolean b) {
      return new Bool(b);
    }
    if (javaValue instanceof CharSequence s) {
      return new Text(s.toString());
    }
    throw new IllegalArgumentException("hparam value must be a number, boolean or string, was "
        + javaValue.getClass().getName() + ": " + javaValue);
  }

  /** The value as a plain Java object: Double, String, Boolean, null, Map or List. */
  default Object toJava() {
    if (this instanceof Number n) {
      return n.value();
    } else if (this instanceof Text t) {
      return t.value();
    } else if (this instanceof Bool b) {
      return b.value();
    } else if (this instanceof Struct s) {
      Map<String, Object> m = new LinkedHashMap<>();
      s.fields().forEach((k, v) -> m.put(k, v.toJava()));
      return m;
    } else if (this instanceof ListValue l) {
      List<Object> out = new ArrayList<>();
      l.values().forEach(v -> out.add(v.toJava()));
      return out;
    }
    return null;
  }

  /** Decodes a {@code Value} message body. */
  static ProtoValue decode(ProtoReader r) {
    ProtoValue v = Null.INSTANCE;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "null_value"); r.readInt64(); v = Null.INSTANCE; break;
        case 2: r.expect(t, ProtoReader.I64, "number_value"); v = new Number(r.readDouble()); break;
        case 3: r.expect(t, ProtoReader.LEN, "string_value"); v = new Text(r.readString()); break;
        case 4: r.expect(t, ProtoReader.VARINT, "bool_value"); v = new Bool(r.readBool()); break;
        case 5:
          r.expect(t, ProtoReader.LEN, "struct_value");
          v = new Struct(r.readMessage(sr -> readMap(sr, 1)));
          break;
        case 6:
          r.expect(t, ProtoReader.LEN, "list_value");
          v = new ListValue(r.readMessage(ProtoValue::decodeList));
          break;
        default: r.skipField(t);
      }
    }
    return v;
  }

  /** Decodes a {@code ListValue} message body. */
  static List<ProtoValue> decodeList(ProtoReader r) {
    List<ProtoValue> values = new ArrayList<>();
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.LEN, "values");
        values.add(r.readMessage(ProtoValue::decode));
      } else {
        r.skipField(t);
      }
    }
    return values;
  }

  /** Reads the entries of a {@code map<string, Value>} field until the end of the message. */
  static Map<String, ProtoValue> readMap(ProtoReader r, int field) {
    Map<String, ProtoValue> map = new LinkedHashMap<>();
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == field) {
        r.expect(t, ProtoReader.LEN, "map entry");
        readEntryInto(r, map);
      } else {
        r.skipField(t);
      }
    }
    return map;
  }

  /** Reads one map entry {@code { string key = 1; Value value = 2; }} into the map. */
  static void readEntryInto(ProtoReader r, Map<String, ProtoValue> map) {
    int old = r.pushLimit();
    String key = "";
    ProtoValue value = Null.INSTANCE;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "key"); key = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "value"); value = r.readMessage(ProtoValue::decode); break;
        default: r.skipField(t);
      }
    }
    r.popLimit(old);
    map.put(key, value); // a repeated key keeps its last entry, as protobuf does
  }

  static void writeMap(ProtoWriter w, int field, Map<String, ProtoValue> map) {
    for (Map.Entry<String, ProtoValue> e : map.entrySet()) {
      w.writeMessageField(field, ew -> {
        ew.writeStringField(1, e.getKey());
        ew.writeMessageField(2, e.getValue());
      });
    }
  }
}
