package dev.trainscope.data;

import java.util.Arrays;

/**
 * A bit stream over a growable {@code long[]}, most significant bit first, for the compressed
 * columns of {@link ScalarSeries}. The writer and the reader are the two halves of one format:
 * what {@link Writer#write} puts, {@link Reader#read} gives back with the same widths.
 */
final class Bits {
  private Bits() {}

  /** Appends bits; {@link #toArray()} trims the storage to what was written. */
  static final class Writer {
    private long[] words = new long[16];
    private long bits;

    /** Writes the low {@code n} bits of {@code value}, 0 <= n <= 64. */
    void write(long value, int n) {
      if (n == 0) {
        return;
      }
      int word = (int) (bits >>> 6);
      int used = (int) (bits & 63);
      if (word + 1 >= words.length) {
        words = Arrays.copyOf(words, words.length * 2);
      }
      long v = n == 64 ? value : value & ((1L << n) - 1);
      int free = 64 - used;
      if (n <= free) {
        words[word] |= v << (free - n);
      } else {
        int spill = n - free;
        words[word] |= v >>> spill;
        words[word + 1] |= v << (64 - spill);
      }
      bits += n;
    }

    void writeBit(boolean bit) {
      write(bit ? 1 : 0, 1);
    }

    long bitLength() {
      return bits;
    }

    long[] toArray() {
      return Arrays.copyOf(words, (int) ((bits + 63) >>> 6));
    }
  }

  /** Reads bits written by a {@link Writer}. */
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

    /** Counts the 1 bits before the next 0, reading at most {@code max} bits (the 0 included). */
    int readUnary(int max) {
      int n = 0;
      while (n < max && readBit()) {
        n++;
      }
      return n;
    }
  }

  /** Sign-extends the low {@code n} bits. */
  static long signExtend(long v, int n) {
    return n == 64 ? v : (v << (64 - n)) >> (64 - n);
  }

  /** True when {@code v} fits in {@code n} bits as a two's complement number. */
  static boolean fitsSigned(long v, int n) {
    return n == 64 || (v >= -(1L << (n - 1)) && v < (1L << (n - 1)));
  }
}
