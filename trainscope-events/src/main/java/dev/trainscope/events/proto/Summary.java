package dev.trainscope.events.proto;

import java.util.ArrayList;
import java.util.List;

/** {@code Summary { repeated Value value = 1; }}. */
public record Summary(List<SummaryValue> values) implements Event.Payload, ProtoWriter.Encodable {
  /** Field number of {@code value}. */
  public static final int VALUE = 1;

  public Summary {
    values = List.copyOf(values);
  }

  public static Summary of(SummaryValue... values) {
    return new Summary(List.of(values));
  }

  public static Summary decode(ProtoReader r) {
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

  @Override
  public void encodeTo(ProtoWriter w) {
    for (SummaryValue v : values) {
      w.writeMessageField(VALUE, v);
    }
  }
}
