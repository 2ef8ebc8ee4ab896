package dev.trainscope.events;

import dev.trainscope.events.proto.MalformedProtoException;

/**
 * Protobuf wire primitives over absolute array positions, for the scanner's hot loop: the common
 * one-byte keys and lengths are decoded inline by the caller, these handle the rest. Every method
 * checks its bounds against {@code end} and throws {@link MalformedProtoException} with the offset
 * relative to {@code base}.
 */
final class Wire {
  private Wire() {}

  /** The position after the varint that starts at {@code p}. */
  static int skipVarint(byte[] b, int p, int end, int base) {
    int start = p;
    for (int i = 0; i < 10; i++) {
      if (p >= end) {
        throw new MalformedProtoException("varint runs past the end of its message", start - base);
      }
      if (b[p++] >= 0) {
        return p;
      }
    }
    throw new MalformedProtoException("varint longer than 10 bytes", start - base);
  }

  /** The value of a varint already known (by {@link #skipVarint}) to be well formed. */
  static long varintAt(byte[] b, int p) {
    long r = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[p++];
      r |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return r;
      }
    }
  }

  /**
   * Reads the length prefix at {@code p} and checks that the payload fits before {@code end}.
   * Returns the length shifted left by 4, or'ed with the number of bytes the prefix took, so that
   * one call gives both without allocating.
   */
  static long lengthAt(byte[] b, int p, int end, int base) {
    if (p < end && b[p] >= 0) {
      int len = b[p];
      if (len > end - p - 1) {
        throw new MalformedProtoException(
            "length " + len + " exceeds the " + (end - p - 1) + " bytes left in its message", p - base);
      }
      return ((long) len << 4) | 1;
    }
    int q = skipVarint(b, p, end, base);
    int len = checkLength(varintAt(b, p), q, end, base);
    return ((long) len << 4) | (q - p);
  }

  /** Checks that a length-delimited payload of {@code len} bytes at {@code p} fits before {@code end}. */
  static int checkLength(long len, int p, int end, int base) {
    if (len < 0 || len > end - p) {
      throw new MalformedProtoException(
          "length " + len + " exceeds the " + (end - p) + " bytes left in its message", p - base);
    }
    return (int) len;
  }

  static void need(int n, int p, int end, int base, String what) {
    if (end - p < n) {
      throw new MalformedProtoException(what + " runs past the end of its message", p - base);
    }
  }
}
