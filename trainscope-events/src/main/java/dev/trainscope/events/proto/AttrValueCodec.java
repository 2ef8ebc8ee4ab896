package dev.trainscope.events.proto;

import dev.trainscope.events.proto.AttrValue.Bool;
import dev.trainscope.events.proto.AttrValue.Flt;
import dev.trainscope.events.proto.AttrValue.Func;
import dev.trainscope.events.proto.AttrValue.Int;
import dev.trainscope.events.proto.AttrValue.ListOf;
import dev.trainscope.events.proto.AttrValue.Placeholder;
import dev.trainscope.events.proto.AttrValue.Shape;
import dev.trainscope.events.proto.AttrValue.Str;
import dev.trainscope.events.proto.AttrValue.Tensor;
import dev.trainscope.events.proto.AttrValue.Type;
import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire codec of {@link AttrValue}, kept out of the public interface so that its API does not
 * name the codec's types: one value as its {@code oneof} field, a list as a {@code ListValue}.
 */
final class AttrValueCodec {
  private AttrValueCodec() {}

  /** Writes {@code v}'s fields (without a length prefix): the one field of its kind. */
  static void encode(AttrValue v, ProtoWriter w) {
    if (encodeSharedField(v, w)) {
      return;
    }
    if (v instanceof Placeholder p) {
      w.writeStringFieldAlways(9, p.name());
    } else if (v instanceof Func f) {
      w.writeMessageField(10, nameAttrList(f));
    } else {
      w.writeMessageField(1, lw -> encodeList((ListOf) v, lw));
    }
  }

  /** A {@code ListValue}: each element in the repeated field of its kind. */
  private static void encodeList(ListOf list, ProtoWriter lw) {
    for (AttrValue v : list.values()) {
      if (encodeSharedField(v, lw)) {
        continue;
      }
      if (v instanceof Func f) {
        lw.writeMessageField(9, nameAttrList(f));
      } else {
        throw new IllegalArgumentException("a ListValue cannot hold " + v.getClass().getSimpleName());
      }
    }
  }

  /**
   * Writes the kinds that {@code AttrValue} and {@code ListValue} number alike (fields 2 to 8: s, i,
   * f, b, type, shape, tensor); false for the others.
   */
  private static boolean encodeSharedField(AttrValue v, ProtoWriter w) {
    if (v instanceof Str s) {
      w.writeBytesFieldAlways(2, s.bytes());
    } else if (v instanceof Int i) {
      w.writeTag(3, ProtoReader.VARINT);
      w.writeVarint64(i.value());
    } else if (v instanceof Flt f) {
      w.writeFloatFieldAlways(4, f.value());
    } else if (v instanceof Bool b) {
      w.writeTag(5, ProtoReader.VARINT);
      w.writeVarint32(b.value() ? 1 : 0);
    } else if (v instanceof Type t) {
      w.writeTag(6, ProtoReader.VARINT);
      w.writeVarint64(t.code());
    } else if (v instanceof Shape s) {
      w.writeMessageField(7, s.shape()::encodeTo);
    } else if (v instanceof Tensor t) {
      w.writeMessageField(8, t.tensor()::encodeTo);
    } else {
      return false;
    }
    return true;
  }

  static AttrValue decode(ProtoReader r) {
    AttrValue v = new ListOf(List.of());
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.LEN, "list"); v = r.readMessage(AttrValueCodec::decodeList); break;
        case 2: r.expect(t, ProtoReader.LEN, "s"); v = new Str(r.readBytes()); break;
        case 3: r.expect(t, ProtoReader.VARINT, "i"); v = new Int(r.readInt64()); break;
        case 4: r.expect(t, ProtoReader.I32, "f"); v = new Flt(r.readFloat()); break;
        case 5: r.expect(t, ProtoReader.VARINT, "b"); v = new Bool(r.readBool()); break;
        case 6: r.expect(t, ProtoReader.VARINT, "type"); v = new Type(r.readInt32()); break;
        case 7: r.expect(t, ProtoReader.LEN, "shape"); v = new Shape(r.readMessage(TensorShape::decode)); break;
        case 8: r.expect(t, ProtoReader.LEN, "tensor"); v = new Tensor(r.readMessage(TensorProto::decode)); break;
        case 9: r.expect(t, ProtoReader.LEN, "placeholder"); v = new Placeholder(r.readString()); break;
        case 10: r.expect(t, ProtoReader.LEN, "func"); v = r.readMessage(AttrValueCodec::decodeFunc); break;
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
        case 9: r.expect(t, ProtoReader.LEN, "list.func"); out.add(r.readMessage(AttrValueCodec::decodeFunc)); break;
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
}
