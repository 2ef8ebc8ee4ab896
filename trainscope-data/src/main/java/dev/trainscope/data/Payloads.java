package dev.trainscope.data;

import dev.trainscope.events.wire.ProtoReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads the few fields the store indexes from image and audio payloads (size, count, content
 * type) without copying the encoded bytes.
 */
final class Payloads {
  private Payloads() {}

  /** What the index keeps of an image or audio value. */
  record Header(int count, int width, int height, String contentType) {}

  /** {@code Summary.Image { height = 1; width = 2; colorspace = 3; encoded_image_string = 4; }} */
  static Header legacyImage(ProtoReader r) {
    int h = 0;
    int w = 0;
    String type = "image/png";
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "height"); h = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "width"); w = r.readInt32(); break;
        case 4: {
          r.expect(t, ProtoReader.LEN, "encoded_image_string");
          int len = r.readLength();
          type = sniff(r, len);
          r.skipRaw(len);
          break;
        }
        default: r.skipField(t);
      }
    }
    return new Header(1, w, h, type);
  }

  /**
   * {@code Summary.Audio}: one clip. Its type is sniffed from the encoded clip (field 4); the
   * content type the file declares (field 5) is not trusted.
   */
  static Header legacyAudio(ProtoReader r) {
    String type = MediaTypes.UNKNOWN;
    for (int t; (t = r.readTag()) != 0; ) {
      if (t == ((4 << 3) | ProtoReader.LEN)) {
        int len = r.readLength();
        type = sniff(r, len);
        r.skipRaw(len);
      } else {
        r.skipField(t);
      }
    }
    return new Header(1, 0, 0, type);
  }

  /**
   * A tensor-style image value: DT_STRING [2 + n], width and height as decimal strings, then n
   * encoded images.
   */
  static Header tensorImages(ProtoReader r) {
    int strings = 0;
    int width = 0;
    int height = 0;
    String type = "image/png";
    long firstDim = -1;
    for (int t; (t = r.readTag()) != 0; ) {
      int f = ProtoReader.fieldNumber(t);
      if (f == 2 && ProtoReader.wireType(t) == ProtoReader.LEN) {
        firstDim = firstDim(r);
      } else if (f == 8 && ProtoReader.wireType(t) == ProtoReader.LEN) {
        int len = r.readLength();
        if (strings < 2) {
          int v = parseSmallInt(r, len);
          if (strings == 0) {
            width = v;
          } else {
            height = v;
          }
        } else if (strings == 2) {
          type = sniff(r, len);
        }
        r.skipRaw(len);
        strings++;
      } else {
        r.skipField(t);
      }
    }
    int n = (int) Math.max(0, (firstDim >= 0 ? firstDim : strings) - 2);
    return new Header(n, width, height, type);
  }

  /** A tensor-style audio value: DT_STRING [k, 2] of (encoded clip, label). */
  static Header tensorAudio(ProtoReader r) {
    long firstDim = -1;
    int strings = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      int f = ProtoReader.fieldNumber(t);
      if (f == 2 && ProtoReader.wireType(t) == ProtoReader.LEN) {
        firstDim = firstDim(r);
      } else if (f == 8 && ProtoReader.wireType(t) == ProtoReader.LEN) {
        r.skipRaw(r.readLength());
        strings++;
      } else {
        r.skipField(t);
      }
    }
    return new Header((int) Math.max(0, firstDim >= 0 ? firstDim : strings / 2), 0, 0, "audio/wav");
  }

  /** Reads a TensorShapeProto and returns its first dimension, -1 when it has none. */
  private static long firstDim(ProtoReader r) {
    int old = r.pushLimit();
    long first = -1;
    for (int t; (t = r.readTag()) != 0; ) {
      if (t == ((2 << 3) | ProtoReader.LEN) && first < 0) {
        int dimOld = r.pushLimit();
        long size = 0;
        for (int u; (u = r.readTag()) != 0; ) {
          if (u == ((1 << 3) | ProtoReader.VARINT)) {
            size = r.readInt64();
          } else {
            r.skipField(u);
          }
        }
        r.popLimit(dimOld);
        first = size;
      } else {
        r.skipField(t);
      }
    }
    r.popLimit(old);
    return first;
  }

  private static int parseSmallInt(ProtoReader r, int len) {
    if (len == 0 || len > 9) {
      return 0;
    }
    byte[] b = java.util.Arrays.copyOfRange(r.array(), r.arrayPosition(), r.arrayPosition() + len);
    try {
      return Integer.parseInt(new String(b, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The media type of the encoded bytes the reader is at, from their magic number. */
  private static String sniff(ProtoReader r, int len) {
    return MediaTypes.sniff(r.array(), r.arrayPosition(), len);
  }
}
