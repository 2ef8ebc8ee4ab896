package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code Summary { repeated Value value = 1; }}. */
public record Summary(List<SummaryValue> values) implements Event.Payload {
  /** Field number of {@code value}. */
  public static final int VALUE = 1;

  public Summary {
    values = List.copyOf(values);
  }

  public static Summary of(SummaryValue... values) {
    return new Summary(List.of(values));
  }

  static Summary decode(ProtoReader r) {
    List<SummaryValue> values = new ArrayList<>(1);
    for (int tag; (tag = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(tag) == VALUE) {
        r.expect(tag, ProtoReader.LEN, "value");
        values.add(r.readMessage(SummaryValue::decode));
      } else {
        r.skipField(tag);
      }
    }
    return new Summary(values);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    for (SummaryValue v : values) {
      w.writeMessageField(VALUE, v::encodeTo);
    }
  }
}
