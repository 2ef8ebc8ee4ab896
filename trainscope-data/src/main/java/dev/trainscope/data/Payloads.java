package dev.trainscope.data;

import dev.trainscope.events.proto.ProtoReader;
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

  /** {@code Summary.Audio}: one clip; its content type (field 5). */
  static Header legacyAudio(ProtoReader r) {
    String type = "audio/wav";
    for (int t; (t = r.readTag()) != 0; ) {
      if (t == ((5 << 3) | ProtoReader.LEN)) {
        String s = r.readString();
        if (!s.isEmpty()) {
          type = s;
        }
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

  /** The content type of encoded image bytes, from their magic number. */
  private static String sniff(ProtoReader r, int len) {
    byte[] b = r.array();
    int p = r.arrayPosition();
    if (len >= 8 && (b[p] & 0xFF) == 0x89 && b[p + 1] == 'P' && b[p + 2] == 'N' && b[p + 3] == 'G') {
      return "image/png";
    }
    if (len >= 3 && (b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xFF) == 0xD8) {
      return "image/jpeg";
    }
    if (len >= 6 && b[p] == 'G' && b[p + 1] == 'I' && b[p + 2] == 'F') {
      return "image/gif";
    }
    if (len >= 12 && b[p] == 'R' && b[p + 1] == 'I' && b[p + 2] == 'F' && b[p + 3] == 'F'
        && b[p + 8] == 'W' && b[p + 9] == 'E' && b[p + 10] == 'B' && b[p + 11] == 'P') {
      return "image/webp";
    }
    return "application/octet-stream";
  }
}
