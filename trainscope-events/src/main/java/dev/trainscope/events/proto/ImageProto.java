package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code Summary.Image { int32 height = 1; int32 width = 2; int32 colorspace = 3;
 * bytes encoded_image_string = 4; }}. Colorspace: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA,
 * 5 DIGITAL_YUV, 6 BGRA.
 */
public record ImageProto(int height, int width, int colorspace, byte[] encodedImage)
    implements SummaryValue.Kind {

  public ImageProto {
    Objects.requireNonNull(encodedImage, "encodedImage");
  }

  /** Reads one ImageProto from its bytes (without a length prefix). */
  public static ImageProto parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one ImageProto from {@code length} bytes at {@code offset}. */
  public static ImageProto parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static ImageProto decode(ProtoReader r) {
    int h = 0, w = 0, cs = 0;
    byte[] img = new byte[0];
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "height"); h = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "width"); w = r.readInt32(); break;
        case 3: r.expect(t, ProtoReader.VARINT, "colorspace"); cs = r.readInt32(); break;
        case 4: r.expect(t, ProtoReader.LEN, "encoded_image_string"); img = r.readBytes(); break;
        default: r.skipField(t);
      }
    }
    return new ImageProto(h, w, cs, img);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, height);
    w.writeInt64Field(2, width);
    w.writeInt64Field(3, colorspace);
    w.writeBytesField(4, encodedImage);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageProto i && height == i.height && width == i.width
        && colorspace == i.colorspace && Arrays.equals(encodedImage, i.encodedImage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(height, width, colorspace) * 31 + Arrays.hashCode(encodedImage);
  }

  @Override
  public String toString() {
    return "ImageProto[" + width + "x" + height + ", colorspace=" + colorspace + ", "
        + encodedImage.length + " bytes]";
  }
}
