package dev.trainscope.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the UTF-8 bytes of a tag into a String without decoding (or allocating) again for a tag
 * seen before: an event file repeats a handful of tags millions of times, nearly always in the
 * same order, since a training loop logs the same tags at every step.
 *
 * <p>So each entry remembers which entry was asked for after it last time, and that guess is
 * checked first; only when it fails is the key hashed and looked up (open addressing). The table is
 * cleared when it fills, so a hostile file with millions of distinct tags costs decoding time, not
 * memory.
 *
 * <p>A scan makes its own; a reader that takes a file in chunks may keep one across its scans
 * ({@link EventScanner#scan(java.nio.channels.SeekableByteChannel, String, ScanPosition, long,
 * EventHandler, TagStrings)}) and then gets the same String for the same tag every time, and the
 * guesses carry over. Not thread-safe: one scan at a time.
 */
public final class TagStrings {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int MAX_ENTRIES = 1 << 15;
  private static final int MAX_CACHED_LENGTH = 512;
  private static final int INITIAL = 256;

  private byte[][] keys = new byte[INITIAL][];
  private String[] values = new String[INITIAL];
  private int[] hashes = new int[INITIAL];
  /** For each slot, the slot asked for right after it last time, or -1. */
  private int[] successor = filled(INITIAL);
  private int last = -1;
  private int size;

  /** An empty table. */
  public TagStrings() {}

  String get(byte[] b, int off, int len) {
    int guess = last < 0 ? -1 : successor[last];
    if (guess >= 0 && same(keys[guess], b, off, len)) {
      last = guess;
      return values[guess];
    }
    return miss(b, off, len);
  }

  private String miss(byte[] b, int off, int len) {
    if (len > MAX_CACHED_LENGTH) {
      return new String(b, off, len, StandardCharsets.UTF_8);
    }
    int slot = lookup(b, off, len);
    if (last >= 0) {
      successor[last] = slot;
    }
    last = slot;
    return values[slot];
  }

  private int lookup(byte[] b, int off, int len) {
    int h = hash(b, off, len);
    int mask = keys.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      byte[] k = keys[i];
      if (k == null) {
        return insert(i, h, Arrays.copyOfRange(b, off, off + len), new String(b, off, len, StandardCharsets.UTF_8));
      }
      if (hashes[i] == h && same(k, b, off, len)) {
        return i;
      }
    }
  }

  private static boolean same(byte[] key, byte[] b, int off, int len) {
    if (key.length != len) {
      return false;
    }
    if (len < 8) {
      return sameShort(key, b, off, len);
    }
    // word by word, the last word overlapping the one before it
    for (int i = 0; i + 8 < len; i += 8) {
      if ((long) LONG_LE.get(key, i) != (long) LONG_LE.get(b, off + i)) {
        return false;
      }
    }
    return (long) LONG_LE.get(key, len - 8) == (long) LONG_LE.get(b, off + len - 8);
  }

  private static boolean sameShort(byte[] key, byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (key[i] != b[off + i]) {
        return false;
      }
    }
    return true;
  }

  /** Inserts at a free slot; returns the slot where the entry ends up (it moves when the table grows). */
  private int insert(int slot, int h, byte[] key, String value) {
    keys[slot] = key;
    values[slot] = value;
    hashes[slot] = h;
    if (++size * 2 <= keys.length) {
      return slot;
    }
    if (keys.length >= 2 * MAX_ENTRIES) {
      keys = new byte[keys.length][];
      values = new String[keys.length];
      hashes = new int[keys.length];
      size = 0;
    } else {
      rehash(keys.length * 2);
    }
    successor = filled(keys.length);
    last = -1;
    return lookup(key, 0, key.length);
  }

  private void rehash(int capacity) {
    byte[][] oldKeys = keys;
    String[] oldValues = values;
    int[] oldHashes = hashes;
    keys = new byte[capacity][];
    values = new String[capacity];
    hashes = new int[capacity];
    int mask = capacity - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != null) {
        int i = oldHashes[j] & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
        hashes[i] = oldHashes[j];
      }
    }
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  private static int hash(byte[] b, int off, int len) {
    long h = len * 0x9E3779B97F4A7C15L;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      h = (h ^ (long) LONG_LE.get(b, off + i)) * 0xBF58476D1CE4E5B9L;
    }
    for (; i < len; i++) {
      h = (h ^ (b[off + i] & 0xFF)) * 0x94D049BB133111EBL;
    }
    h ^= h >>> 31;
    return (int) (h ^ (h >>> 32));
  }
}
