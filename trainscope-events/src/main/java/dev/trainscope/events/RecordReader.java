package dev.trainscope.events;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.CRC32C;

/**
 * Random access to single records, for data the scan only indexed (images, audio, graphs): the
 * store keeps (file, record offset) and reads the record again when it is asked for, checking both
 * checksums again, since the file may have changed in between.
 */
public final class RecordReader {
  private RecordReader() {}

  /**
   * Reads the data of the record that starts at {@code offset}. Throws {@link
   * CorruptRecordException} when its length is impossible or a checksum fails, and {@link
   * EOFException} when the file ends inside it.
   */
  public static byte[] readAt(SeekableByteChannel ch, String name, long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(TfRecordFormat.HEADER_LENGTH);
    readFully(ch, name, offset, header);
    byte[] h = header.array();
    long len = TfRecordFormat.readLongLE(h, 0);
    CRC32C crc = new CRC32C();
    int expected = TfRecordFormat.readIntLE(h, 8);
    int actual = TfRecordFormat.maskedCrc32c(crc, h, 0, 8);
    if (expected != actual) {
      throw new CorruptRecordException(name, offset, String.format(
          "length checksum 0x%08x does not match the length bytes (checksum 0x%08x)", expected, actual));
    }
    if (len < 0 || len > TfRecordFormat.MAX_DATA_LENGTH || offset + TfRecordFormat.OVERHEAD + len > ch.size()) {
      throw new CorruptRecordException(name, offset, "record length " + Long.toUnsignedString(len)
          + " does not fit in the file of " + ch.size() + " bytes");
    }
    ByteBuffer body = ByteBuffer.allocate((int) len + TfRecordFormat.FOOTER_LENGTH);
    readFully(ch, name, offset + TfRecordFormat.HEADER_LENGTH, body);
    byte[] b = body.array();
    expected = TfRecordFormat.readIntLE(b, (int) len);
    actual = TfRecordFormat.maskedCrc32c(crc, b, 0, (int) len);
    if (expected != actual) {
      throw new CorruptRecordException(name, offset, String.format(
          "data checksum 0x%08x does not match the %d data bytes (checksum 0x%08x)", expected, len, actual));
    }
    return java.util.Arrays.copyOf(b, (int) len);
  }

  private static void readFully(SeekableByteChannel ch, String name, long at, ByteBuffer dst) throws IOException {
    ch.position(at);
    while (dst.hasRemaining()) {
      if (ch.read(dst) < 0) {
        throw new EOFException(name + " ends at offset " + (at + dst.position()) + ", inside the record at " + at);
      }
    }
  }
}
