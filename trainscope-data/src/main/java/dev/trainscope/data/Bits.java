package dev.trainscope.data;

/**
 * Reading a bit stream stored in a {@code long[]}, most significant bit first: the blocks that
 * {@link ScalarCodec} writes.
 */
final class Bits {
  private Bits() {}

  /** Reads a block's bits, most significant first. */
  static final class Reader {
    private final long[] words;
    private long pos;

    Reader(long[] words) {
      this.words = words;
    }

    /** Reads {@code n} bits, 0 <= n <= 64, as an unsigned value. */
    long read(int n) {
      if (n == 0) {
        return 0;
      }
      int word = (int) (pos >>> 6);
      int used = (int) (pos & 63);
      int free = 64 - used;
      long v;
      if (n <= free) {
        v = words[word] << used >>> (64 - n);
      } else {
        int spill = n - free;
        v = (words[word] << used >>> used) << spill | words[word + 1] >>> (64 - spill);
      }
      pos += n;
      return v;
    }

    boolean readBit() {
      int word = (int) (pos >>> 6);
      long v = words[word] >>> (63 - (pos & 63));
      pos++;
      return (v & 1) != 0;
    }
  }
}
