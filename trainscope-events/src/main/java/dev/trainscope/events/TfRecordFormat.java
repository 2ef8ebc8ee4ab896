package dev.trainscope.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The TFRecord framing that TensorBoard event files use: a file is a sequence of records, each
 *
 * <pre>
 *  offset  size  field
 *  0       8     length        uint64, little endian: the number of data bytes
 *  8       4     length_crc    uint32, little endian: masked CRC32C of the 8 length bytes
 *  12      len   data          one serialized Event protocol buffer
 *  12+len  4     data_crc      uint32, little endian: masked CRC32C of the data bytes
 * </pre>
 *
 * with no file header, no padding and no index. The CRC is CRC-32C (Castagnoli), masked so that a
 * CRC stored inside checksummed data does not checksum to a constant:
 * {@code masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8} in 32-bit arithmetic.
 *
 * <p>Since the format has no sync marker, a reader that meets a bad length checksum re-synchronises
 * by trying each following byte as a record start until both checksums of a candidate agree.
 */
public final class TfRecordFormat {
  private TfRecordFormat() {}

  public static final int LENGTH_OFFSET = 0;
  public static final int LENGTH_CRC_OFFSET = 8;
  public static final int HEADER_LENGTH = 12;
  public static final int FOOTER_LENGTH = 4;
  /** Header plus footer: a record of {@code n} data bytes takes {@code n + OVERHEAD} bytes. */
  public static final int OVERHEAD = HEADER_LENGTH + FOOTER_LENGTH;
  public static final int MASK_DELTA = 0xa282ead8;
  /**
   * The longest data a reader accepts: a protocol buffer cannot exceed 2 GiB, and a length above
   * this is a corrupt header, never a record to allocate for.
   */
  public static final long MAX_DATA_LENGTH = Integer.MAX_VALUE - OVERHEAD - 8;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  /** The masked CRC32C of {@code b[off, off+len)}, reusing the given checksum object. */
  public static int maskedCrc32c(CRC32C crc, byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return mask((int) crc.getValue());
  }

  public static int maskedCrc32c(byte[] b, int off, int len) {
    return maskedCrc32c(new CRC32C(), b, off, len);
  }

  static long readLongLE(byte[] b, int off) {
    return (long) LONG_LE.get(b, off);
  }

  static void writeLongLE(byte[] b, int off, long v) {
    LONG_LE.set(b, off, v);
  }

  static int readIntLE(byte[] b, int off) {
    return (int) INT_LE.get(b, off);
  }

  /** The number of bytes a record with {@code dataLength} data bytes takes in a file. */
  public static int framedLength(int dataLength) {
    return dataLength + OVERHEAD;
  }

  /**
   * Writes one framed record holding {@code data[off, off+len)} into {@code out} at {@code at},
   * which must have {@link #framedLength} bytes of room. Returns the offset after the record.
   */
  public static int frame(CRC32C crc, byte[] data, int off, int len, byte[] out, int at) {
    LONG_LE.set(out, at, (long) len);
    INT_LE.set(out, at + LENGTH_CRC_OFFSET, maskedCrc32c(crc, out, at, 8));
    System.arraycopy(data, off, out, at + HEADER_LENGTH, len);
    INT_LE.set(out, at + HEADER_LENGTH + len, maskedCrc32c(crc, data, off, len));
    return at + HEADER_LENGTH + len + FOOTER_LENGTH;
  }

  /**
   * Frames a record whose data bytes already sit at {@code out[at + HEADER_LENGTH, ... + len)}:
   * fills in the header and the footer around them. Returns the offset after the record.
   */
  public static int frameInPlace(CRC32C crc, byte[] out, int at, int len) {
    LONG_LE.set(out, at, (long) len);
    INT_LE.set(out, at + LENGTH_CRC_OFFSET,
        len < LengthCrcs.COUNT ? LengthCrcs.TABLE[len] : maskedCrc32c(crc, out, at, 8));
    INT_LE.set(out, at + HEADER_LENGTH + len, maskedCrc32c(crc, out, at + HEADER_LENGTH, len));
    return at + HEADER_LENGTH + len + FOOTER_LENGTH;
  }

  /**
   * The masked CRCs of the length field of records up to {@value #COUNT} data bytes, which most
   * records a writer frames are (a scalar event takes about 50): checksumming the eight length
   * bytes costs as much as checksumming a scalar event's data. Computed on first use (2 K CRCs of
   * eight bytes, some microseconds), so a process that only reads never pays for them.
   */
  private static final class LengthCrcs {
    static final int COUNT = 2048;
    static final int[] TABLE = new int[COUNT];

    static {
      CRC32C crc = new CRC32C();
      byte[] length = new byte[8];
      for (int n = 0; n < COUNT; n++) {
        LONG_LE.set(length, 0, (long) n);
        TABLE[n] = maskedCrc32c(crc, length, 0, 8);
      }
    }
  }

  /** One framed record as a new array. */
  public static byte[] frame(byte[] data) {
    byte[] out = new byte[framedLength(data.length)];
    frame(new CRC32C(), data, 0, data.length, out, 0);
    return out;
  }
}
