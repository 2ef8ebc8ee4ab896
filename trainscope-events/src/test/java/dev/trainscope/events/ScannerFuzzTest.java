package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damages valid files at random (bit flips, truncation, inserted, deleted and overwritten bytes)
 * and checks the scanner against a reference model that knows where every original byte went, as
 * Caffeine's {@code FrequencySketchFuzzer} checks its sketch: the scanner never throws, never hands
 * over bytes that were not an original record, delivers every original record whose bytes are
 * untouched (unless a sound header of a record still being written stands in front of it), and
 * says something whenever a record that left bytes behind was not delivered.
 */
class ScannerFuzzTest {

  /** One way to damage a file; positions are fractions of the current length. */
  sealed interface Corruption permits Flip, Truncate, Insert, Delete, Overwrite {}

  record Flip(double at, int bit) implements Corruption {}

  record Truncate(double at) implements Corruption {}

  record Insert(double at, byte[] bytes) implements Corruption {
    @Override
    public String toString() {
      return "Insert[at=" + at + ", " + bytes.length + " bytes]";
    }
  }

  record Delete(double at, int length) implements Corruption {}

  record Overwrite(double at, byte[] bytes) implements Corruption {
    @Override
    public String toString() {
      return "Overwrite[at=" + at + ", " + Arrays.toString(bytes) + "]";
    }
  }

  /** A damaged file, with the original offset of each of its bytes (-1 for bytes that changed). */
  static final class Damaged {
    byte[] bytes;
    int[] origin;

    Damaged(byte[] original) {
      bytes = original.clone();
      origin = new int[original.length];
      Arrays.setAll(origin, i -> i);
    }

    int pos(double at) {
      return (int) Math.min(bytes.length, Math.floor(at * (bytes.length + 1)));
    }

    void apply(Corruption c) {
      if (c instanceof Flip f) {
        if (bytes.length == 0) {
          return;
        }
        int p = Math.min(pos(f.at()), bytes.length - 1);
        bytes[p] ^= (byte) (1 << f.bit());
        origin[p] = -1;
      } else if (c instanceof Truncate t) {
        int p = pos(t.at());
        bytes = Arrays.copyOf(bytes, p);
        origin = Arrays.copyOf(origin, p);
      } else if (c instanceof Insert in) {
        int p = pos(in.at());
        int[] fresh = new int[in.bytes().length];
        Arrays.fill(fresh, -1);
        bytes = Records.concat(Arrays.copyOf(bytes, p), in.bytes(), Arrays.copyOfRange(bytes, p, bytes.length));
        origin = concat(Arrays.copyOf(origin, p), fresh, Arrays.copyOfRange(origin, p, origin.length));
      } else if (c instanceof Delete d) {
        int p = pos(d.at());
        int q = Math.min(bytes.length, p + d.length());
        bytes = Records.concat(Arrays.copyOf(bytes, p), Arrays.copyOfRange(bytes, q, bytes.length));
        origin = concat(Arrays.copyOf(origin, p), Arrays.copyOfRange(origin, q, origin.length));
      } else if (c instanceof Overwrite o) {
        int p = pos(o.at());
        for (int i = 0; i < o.bytes().length && p + i < bytes.length; i++) {
          bytes[p + i] = o.bytes()[i];
          origin[p + i] = -1;
        }
      }
    }

    /** Where each original byte now is, or -1. */
    int[] newPositions(int originalLength) {
      int[] at = new int[originalLength];
      Arrays.fill(at, -1);
      for (int i = 0; i < origin.length; i++) {
        if (origin[i] >= 0) {
          at[origin[i]] = i;
        }
      }
      return at;
    }

    private static int[] concat(int[]... parts) {
      int n = 0;
      for (int[] p : parts) {
        n += p.length;
      }
      int[] out = new int[n];
      int k = 0;
      for (int[] p : parts) {
        System.arraycopy(p, 0, out, k, p.length);
        k += p.length;
      }
      return out;
    }
  }

  @Provide
  Arbitrary<List<Integer>> recordSizes() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(4, 120)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(40, 60)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(121, 2500)))
        .list().ofMinSize(1).ofMaxSize(20);
  }

  @Provide
  Arbitrary<List<Corruption>> corruptions() {
    Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
    Arbitrary<byte[]> junk = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40),
        Arbitraries.integers().between(1, 40).map(byte[]::new)); // zeros, as a crash leaves them
    Arbitrary<Corruption> one = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Flip::new)),
        net.jqwik.api.Tuple.of(2, at.map(Truncate::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(at, junk).as(Insert::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(at, Arbitraries.integers().between(1, 80)).as(Delete::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(at, junk).as(Overwrite::new)));
    return one.list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<RecordScanner> scanners() {
    return Arbitraries.of(RecordScanner.create(), RecordScanner.create(true, 64), RecordScanner.create(true, 200));
  }

  /**
   * A counterexample jqwik found: two deletes leave the first record's first byte and all but the
   * first byte of the second, and the two bytes are alike (both records are 7 long): the file is
   * the second record, sound, and the first one's byte is invisible inside it.
   */
  @Example
  void scan_aLostRecordsByteInsideASoundOne_isNoDamageToReport() {
    for (RecordScanner scanner : List.of(RecordScanner.create(), RecordScanner.create(true, 64),
        RecordScanner.create(true, 200))) {
      scan_randomlyDamagedFile_agreesWithReferenceModel(List.of(7, 7),
          List.of(new Delete(0.03, 20), new Delete(0.04, 3)), scanner, 0, true);
    }
  }

  @Property(tries = 1500, edgeCases = EdgeCasesMode.MIXIN)
  void scan_randomlyDamagedFile_agreesWithReferenceModel(
      @ForAll("recordSizes") List<Integer> sizes,
      @ForAll("corruptions") List<Corruption> corruptions,
      @ForAll("scanners") RecordScanner scanner,
      @ForAll long seed,
      @ForAll boolean shortReads) {
    List<byte[]> records = Records.numbered(new java.util.Random(seed), sizes.stream().mapToInt(i -> i).toArray());
    byte[] original = Records.file(records);
    long[] offsets = Records.offsets(records);
    Damaged d = new Damaged(original);
    corruptions.forEach(d::apply);
    byte[] file = d.bytes;

    Records.Log log = new Records.Log();
    ScanResult r = scanner.scan(new InMemoryChannel(file, shortReads ? 5 : Integer.MAX_VALUE), "fuzz",
        ScanPosition.START, log, log);

    // what was delivered is original records, in order, framed where it was found
    Set<Integer> delivered = new HashSet<>();
    long lastOffset = -1;
    int lastId = -1;
    for (Records.Delivery got : log.records) {
      assertTrue(got.offset() > lastOffset, "offsets increase");
      lastOffset = got.offset();
      assertTrue(got.data().length >= 4, "only whole original records: " + got);
      int id = (got.data()[0] & 0xFF) | (got.data()[1] & 0xFF) << 8 | (got.data()[2] & 0xFF) << 16
          | (got.data()[3] & 0xFF) << 24;
      assertTrue(id > lastId && id < records.size(), "record " + id + " after " + lastId);
      assertArrayEquals(records.get(id), got.data(), "the bytes of original record " + id);
      assertArrayEquals(TfRecordFormat.frame(got.data()),
          Arrays.copyOfRange(file, (int) got.offset(), (int) got.offset() + got.data().length + 16), "framed there");
      lastId = id;
      delivered.add(id);
    }
    assertEquals(log.records.size(), r.records());

    // The scan may stop before the end only at a sound header whose record runs past the end: a
    // record still being written, as far as anyone can tell. Everything after it waits for the
    // next scan (which resumes there), so untouched records behind it are not expected yet.
    long next = r.next().offset();
    boolean stoppedAtOpenRecord = false;
    if (file.length - next >= TfRecordFormat.HEADER_LENGTH) {
      if (r.truncated() || r.next().resynchronizing()) {
        long len = TfRecordFormat.readLongLE(file, (int) next);
        assertEquals(TfRecordFormat.maskedCrc32c(file, (int) next, 8), TfRecordFormat.readIntLE(file, (int) next + 8),
            "stopped at " + r.next() + ": a header with a valid length checksum");
        assertTrue(len >= 0 && next + len + 16 > file.length, "stopped at a record running past the end");
        stoppedAtOpenRecord = true;
      } else {
        assertEquals(file.length, next, "a scan that did not stop early ends at the end");
      }
    }
    if (r.truncated()) {
      assertFalse(r.next().resynchronizing());
    }

    // every untouched original record is delivered where it now is
    int[] now = d.newPositions(original.length);
    // bytes that a delivered record frames: a lost record's byte that landed there is part of a
    // sound record now, and no scanner can see it was ever anything else
    boolean[] framed = new boolean[file.length];
    for (Records.Delivery got : log.records) {
      Arrays.fill(framed, (int) got.offset(), (int) got.offset() + got.data().length + 16, true);
    }
    boolean missingSurvivor = false;
    for (int k = 0; k < records.size(); k++) {
      int start = (int) offsets[k];
      int end = (int) offsets[k + 1];
      boolean untouched = now[start] >= 0;
      boolean anySurvivor = false;
      for (int j = start; j < end; j++) {
        untouched &= now[j] == now[start] + (j - start);
        anySurvivor |= now[j] >= 0 && !framed[now[j]];
      }
      if (untouched && !(stoppedAtOpenRecord && now[start] >= next)) {
        int at = now[start];
        assertTrue(log.records.contains(new Records.Delivery(at, records.get(k))),
            "untouched record " + k + " at " + at + " (was " + start + ") delivered; got " + log.records
                + ", problems " + log.problems);
      }
      missingSurvivor |= anySurvivor && !delivered.contains(k);
    }
    if (missingSurvivor) {
      assertFalse(log.problems.isEmpty(), "a record that left bytes behind was not delivered: say so");
    }

    // resuming from where it stopped delivers nothing new and reports no damage again
    Records.Log again = new Records.Log();
    ScanResult r2 = scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "fuzz", r.next(), again, again);
    assertEquals(List.of(), again.records, "nothing twice");
    for (Problem p : again.problems) {
      if (p.kind().isCorruption()) {
        fail("reported again after resuming from " + r.next() + ": " + p);
      }
    }
    assertEquals(r.next(), r2.next());
  }
}
