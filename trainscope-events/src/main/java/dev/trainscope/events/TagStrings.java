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
  /** Small, as most runs log a handful of tags (10,000 small runs held 10 MB of empty tables at 256); it doubles as needed. */
  private static final int INITIAL = 16;

  /**
   * A tag seen before. Its length and first and last 8 bytes are kept in the entry itself, so that
   * checking the guess for a tag of 8 to 16 bytes reads no array: the check is on every event's
   * path.
   */
  private static final class Entry {
    final byte[] key;
    final int length;
    final String value;
    final int hash;
    final long head;
    final long end;
    /** The entry asked for right after this one last time, or null. */
    Entry next;

    Entry(byte[] key, String value, int hash) {
      this.key = key;
      this.length = key.length;
      this.value = value;
      this.hash = hash;
      this.head = key.length >= 8 ? (long) LONG_LE.get(key, 0) : 0;
      this.end = key.length >= 8 ? (long) LONG_LE.get(key, key.length - 8) : 0;
    }

    boolean matches(byte[] b, int off, int len) {
      if (length != len) {
        return false;
      }
      if (len < 8) {
        for (int i = 0; i < len; i++) {
          if (key[i] != b[off + i]) {
            return false;
          }
        }
        return true;
      }
      if (head != (long) LONG_LE.get(b, off) || end != (long) LONG_LE.get(b, off + len - 8)) {
        return false;
      }
      // the words between the first and the last
      for (int i = 8; i + 8 < len; i += 8) {
        if ((long) LONG_LE.get(key, i) != (long) LONG_LE.get(b, off + i)) {
          return false;
        }
      }
      return true;
    }
  }

  private Entry[] table = new Entry[INITIAL];
  private int size;
  /** The entry asked for last, or null. */
  private Entry last;

  /** An empty table. */
  public TagStrings() {}

  /** Whether no tag has been seen (or the table was just cleared). */
  boolean isEmpty() {
    return size == 0;
  }

  String get(byte[] b, int off, int len) {
    Entry l = last;
    Entry guess = l == null ? null : l.next;
    if (guess != null && guess.matches(b, off, len)) {
      last = guess;
      return guess.value;
    }
    return miss(b, off, len);
  }

  private String miss(byte[] b, int off, int len) {
    if (len > MAX_CACHED_LENGTH) {
      return new String(b, off, len, StandardCharsets.UTF_8);
    }
    Entry e = lookup(b, off, len);
    if (last != null) {
      last.next = e;
    }
    last = e;
    return e.value;
  }

  private Entry lookup(byte[] b, int off, int len) {
    int h = hash(b, off, len);
    int mask = table.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Entry e = table[i];
      if (e == null) {
        return insert(i, new Entry(Arrays.copyOfRange(b, off, off + len), new String(b, off, len, StandardCharsets.UTF_8), h));
      }
      if (e.hash == h && e.matches(b, off, len)) {
        return e;
      }
    }
  }

  /** Inserts at a free slot; the table grows, or is cleared when it holds too many. */
  private Entry insert(int slot, Entry e) {
    table[slot] = e;
    if (++size * 2 <= table.length) {
      return e;
    }
    if (table.length >= 2 * MAX_ENTRIES) {
      table = new Entry[table.length];
      size = 0;
      last = null; // the old entries, linked to each other, go with the table
      return e;
    }
    Entry[] old = table;
    table = new Entry[old.length * 2];
    int mask = table.length - 1;
    for (Entry o : old) {
      if (o != null) {
        int i = o.hash & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = o;
      }
    }
    return e;
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
