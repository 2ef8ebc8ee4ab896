package dev.trainscope.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the UTF-8 bytes of a tag into a String without decoding (or allocating) again for a tag
 * seen before: an event file repeats a handful of tags millions of times. Open addressing over
 * the bytes' hash; the table is cleared when it fills, so a hostile file with millions of
 * distinct tags costs decoding time, not memory.
 */
final class TagCache {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int MAX_ENTRIES = 1 << 15;
  private static final int MAX_CACHED_LENGTH = 512;

  private byte[][] keys = new byte[256][];
  private String[] values = new String[256];
  private int[] hashes = new int[256];
  private int size;

  String get(byte[] b, int off, int len) {
    if (len > MAX_CACHED_LENGTH) {
      return new String(b, off, len, StandardCharsets.UTF_8);
    }
    int h = hash(b, off, len);
    int mask = keys.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      byte[] k = keys[i];
      if (k == null) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        insert(i, h, Arrays.copyOfRange(b, off, off + len), s);
        return s;
      }
      if (hashes[i] == h && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
        return values[i];
      }
    }
  }

  private void insert(int slot, int h, byte[] key, String value) {
    keys[slot] = key;
    values[slot] = value;
    hashes[slot] = h;
    if (++size * 2 > keys.length) {
      if (keys.length >= 2 * MAX_ENTRIES) {
        keys = new byte[keys.length][];
        values = new String[keys.length];
        hashes = new int[keys.length];
        size = 0;
      } else {
        rehash(keys.length * 2);
      }
    }
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
