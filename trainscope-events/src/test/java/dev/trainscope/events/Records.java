package dev.trainscope.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/** Builds framed files for tests and collects what a {@link RecordScanner} delivers. */
final class Records {
  private Records() {}

  /** The records framed one after another, as a writer lays them out. */
  static byte[] file(List<byte[]> records) {
    int size = 0;
    for (byte[] r : records) {
      size += TfRecordFormat.framedLength(r.length);
    }
    byte[] out = new byte[size];
    CRC32C crc = new CRC32C();
    int at = 0;
    for (byte[] r : records) {
      at = TfRecordFormat.frame(crc, r, 0, r.length, out, at);
    }
    return out;
  }

  /** The file offset of each record in {@link #file}, and the file size as a last entry. */
  static long[] offsets(List<byte[]> records) {
    long[] out = new long[records.size() + 1];
    for (int i = 0; i < records.size(); i++) {
      out[i + 1] = out[i] + TfRecordFormat.framedLength(records.get(i).length);
    }
    return out;
  }

  /** {@code n} records of the given sizes, each starting with its index so that no two are equal. */
  static List<byte[]> numbered(Random random, int... sizes) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      out.add(record(random, i, sizes[i]));
    }
    return out;
  }

  /** One record of {@code size} random bytes starting with {@code index}. */
  static byte[] record(Random random, int index, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    for (int j = 0; j < Math.min(4, size); j++) {
      b[j] = (byte) (index >>> (8 * j));
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** A 12-byte record header claiming {@code length} data bytes, with a correct length checksum. */
  static byte[] header(long length) {
    byte[] h = new byte[TfRecordFormat.HEADER_LENGTH];
    for (int i = 0; i < 8; i++) {
      h[i] = (byte) (length >>> (8 * i));
    }
    int crc = TfRecordFormat.maskedCrc32c(h, 0, 8);
    for (int i = 0; i < 4; i++) {
      h[8 + i] = (byte) (crc >>> (8 * i));
    }
    return h;
  }

  /** One record as the scanner handed it over: where it starts, and a copy of its data. */
  record Delivery(long offset, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Delivery d && d.offset == offset && Arrays.equals(d.data, data);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Delivery[offset=" + offset + ", " + data.length + " bytes]";
    }
  }

  /** The deliveries the records of a file should produce, scanned from its start. */
  static List<Delivery> expected(List<byte[]> records) {
    long[] at = offsets(records);
    List<Delivery> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      out.add(new Delivery(at[i], records.get(i)));
    }
    return out;
  }

  /** Collects records and problems of one or more scans. */
  static final class Log implements RecordScanner.RecordHandler, Consumer<Problem> {
    final List<Delivery> records = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();

    @Override
    public void onRecord(long offset, byte[] buffer, int dataOffset, int dataLength) {
      records.add(new Delivery(offset, Arrays.copyOfRange(buffer, dataOffset, dataOffset + dataLength)));
    }

    @Override
    public void accept(Problem p) {
      problems.add(p);
    }

    List<Problem.Kind> kinds() {
      return problems.stream().map(Problem::kind).toList();
    }

    List<Problem> problemsOf(Problem.Kind kind) {
      return problems.stream().filter(p -> p.kind() == kind).toList();
    }

    void clear() {
      records.clear();
      problems.clear();
    }
  }
}
