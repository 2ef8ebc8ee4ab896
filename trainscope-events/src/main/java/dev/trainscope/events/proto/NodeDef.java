package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a TensorFlow graph.
 *
 * <pre>
 * message NodeDef { string name = 1; string op = 2; repeated string input = 3; string device = 4;
 *   map&lt;string, AttrValue&gt; attr = 5; }
 * </pre>
 *
 * An input is {@code "node"} (output 0), {@code "node:k"} (output k) or {@code "^node"} (a control
 * dependency). Attributes keep the file's order.
 */
public record NodeDef(String name, String op, List<String> inputs, String device, Map<String, AttrValue> attrs) {
  public NodeDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(device, "device");
    inputs = List.copyOf(inputs);
    attrs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
  }

  static NodeDef decode(ProtoReader r) {
    String name = "";
    String op = "";
    String device = "";
    List<String> inputs = new ArrayList<>(2);
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "node.name"); name = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "node.op"); op = r.readString(); break;
        case 3: r.expect(t, ProtoReader.LEN, "node.input"); inputs.add(r.readString()); break;
        case 4: r.expect(t, ProtoReader.LEN, "node.device"); device = r.readString(); break;
        case 5: r.expect(t, ProtoReader.LEN, "node.attr"); readAttrEntry(r, attrs); break;
        default: r.skipField(t);
      }
    }
    return new NodeDef(name, op, inputs, device, attrs);
  }

  /** Reads one {@code map<string, AttrValue>} entry ({@code key = 1, value = 2}) into {@code into}. */
  static void readAttrEntry(ProtoReader r, Map<String, AttrValue> into) {
    int old = r.pushLimit();
    String key = "";
    AttrValue value = new AttrValue.ListOf(List.of());
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "attr.key"); key = r.readString(); break;
        case 2: r.expect(t, ProtoReader.LEN, "attr.value"); value = r.readMessage(AttrValueCodec::decode); break;
        default: r.skipField(t);
      }
    }
    r.popLimit(old);
    into.put(key, value);
  }

  static void writeAttrs(ProtoWriter w, int field, Map<String, AttrValue> attrs) {
    for (Map.Entry<String, AttrValue> e : attrs.entrySet()) {
      w.writeMessageField(field, ew -> {
        ew.writeStringField(1, e.getKey());
        ew.writeMessageField(2, vw -> AttrValueCodec.encode(e.getValue(), vw));
      });
    }
  }

  void encodeTo(ProtoWriter w) {
    w.writeStringField(1, name);
    w.writeStringField(2, op);
    for (String in : inputs) {
      w.writeStringFieldAlways(3, in);
    }
    w.writeStringField(4, device);
    writeAttrs(w, 5, attrs);
  }
}
