package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code Summary.Value}: one tagged value.
 *
 * <pre>
 * message Value {
 *   string node_name = 7;  string tag = 1;  SummaryMetadata metadata = 9;
 *   oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; Image image = 4;
 *                 HistogramProto histo = 5; Audio audio = 6; TensorProto tensor = 8; }
 * }
 * </pre>
 *
 * Writers put {@code metadata} only on the first value of a tag in a file; readers remember it.
 *
 * @param metadata null when absent
 * @param value the {@code oneof value}; null when none is set
 */
public record SummaryValue(String nodeName, String tag, SummaryMetadata metadata, Kind value) {
  public static final int TAG = 1;
  public static final int SIMPLE_VALUE = 2;
  public static final int OBSOLETE_OLD_STYLE_HISTOGRAM = 3;
  public static final int IMAGE = 4;
  public static final int HISTO = 5;
  public static final int AUDIO = 6;
  public static final int NODE_NAME = 7;
  public static final int TENSOR = 8;
  public static final int METADATA = 9;

  /** The members of {@code oneof value}. */
  public sealed interface Kind
      permits SimpleValue, ObsoleteOldStyleHistogram, ImageProto, HistogramProto, AudioProto, TensorProto {}

  /** {@code simple_value}: a legacy scalar. */
  public record SimpleValue(float value) implements Kind {}

  /** {@code obsolete_old_style_histogram}: bytes nobody has written in years; kept, not decoded. */
  public record ObsoleteOldStyleHistogram(byte[] bytes) implements Kind {
    public ObsoleteOldStyleHistogram {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ObsoleteOldStyleHistogram h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "ObsoleteOldStyleHistogram[" + bytes.length + " bytes]";
    }
  }

  public SummaryValue {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(tag, "tag");
  }

  public static SummaryValue of(String tag, SummaryMetadata metadata, Kind value) {
    return new SummaryValue("", tag, metadata, value);
  }

  /** The tag, or the node name when the tag is empty (as TensorBoard's loader does). */
  public String effectiveTag() {
    return tag.isEmpty() ? nodeName : tag;
  }

  /** Reads one SummaryValue from its bytes (without a length prefix). */
  public static SummaryValue parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one SummaryValue from {@code length} bytes at {@code offset}. */
  public static SummaryValue parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static SummaryValue decode(ProtoReader r) {
    String nodeName = "";
    String tag = "";
    SummaryMetadata metadata = null;
    Kind value = null;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case TAG:
          r.expect(t, ProtoReader.LEN, "tag");
          tag = r.readString();
          break;
        case SIMPLE_VALUE:
          r.expect(t, ProtoReader.I32, "simple_value");
          value = new SimpleValue(r.readFloat());
          break;
        case OBSOLETE_OLD_STYLE_HISTOGRAM:
          r.expect(t, ProtoReader.LEN, "obsolete_old_style_histogram");
          value = new ObsoleteOldStyleHistogram(r.readBytes());
          break;
        case IMAGE:
          r.expect(t, ProtoReader.LEN, "image");
          value = r.readMessage(ImageProto::decode);
          break;
        case HISTO:
          r.expect(t, ProtoReader.LEN, "histo");
          value = r.readMessage(HistogramProto::decode);
          break;
        case AUDIO:
          r.expect(t, ProtoReader.LEN, "audio");
          value = r.readMessage(AudioProto::decode);
          break;
        case NODE_NAME:
          r.expect(t, ProtoReader.LEN, "node_name");
          nodeName = r.readString();
          break;
        case TENSOR:
          r.expect(t, ProtoReader.LEN, "tensor");
          value = r.readMessage(TensorProto::decode);
          break;
        case METADATA:
          r.expect(t, ProtoReader.LEN, "metadata");
          metadata = r.readMessage(SummaryMetadata::decode);
          break;
        default:
          r.skipField(t);
      }
    }
    return new SummaryValue(nodeName, tag, metadata, value);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeStringField(TAG, tag);
    if (value instanceof SimpleValue s) {
      w.writeFloatFieldAlways(SIMPLE_VALUE, s.value());
    } else if (value instanceof ObsoleteOldStyleHistogram h) {
      w.writeBytesFieldAlways(OBSOLETE_OLD_STYLE_HISTOGRAM, h.bytes());
    } else if (value instanceof ImageProto i) {
      w.writeMessageField(IMAGE, i::encodeTo);
    } else if (value instanceof HistogramProto h) {
      w.writeMessageField(HISTO, h::encodeTo);
    } else if (value instanceof AudioProto a) {
      w.writeMessageField(AUDIO, a::encodeTo);
    }
    w.writeStringField(NODE_NAME, nodeName);
    if (value instanceof TensorProto t) {
      w.writeMessageField(TENSOR, t::encodeTo);
    }
    if (metadata != null) {
      w.writeMessageField(METADATA, metadata::encodeTo);
    }
  }
}
