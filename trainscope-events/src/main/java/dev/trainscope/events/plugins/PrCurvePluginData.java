package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;

/**
 * {@code PrCurvePluginData { int32 version = 1; uint32 num_thresholds = 2; }}. The tensor beside
 * it is DT_FLOAT of shape [6, num_thresholds]: rows are true positives, false positives, true
 * negatives, false negatives, precision, recall.
 */
public record PrCurvePluginData(int version, int numThresholds) implements ProtoWriter.Encodable {
  public static PrCurvePluginData parse(byte[] content) {
    ProtoReader r = ProtoReader.of(content);
    int version = 0;
    int thresholds = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "version"); version = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "num_thresholds"); thresholds = r.readInt32(); break;
        default: r.skipField(t);
      }
    }
    return new PrCurvePluginData(version, thresholds);
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
    w.writeInt64Field(2, numThresholds & 0xFFFFFFFFL);
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }
}
