package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The masked CRC32C and the record layout of {@link TfRecordFormat}, checked against a bitwise
 * CRC-32C written here from the definition (reflected Castagnoli polynomial 0x82F63B78), as
 * Agrona's {@code Crc32cTest} checks its wrapper for every length.
 */
class TfRecordFormatTest {
  private static final int CASTAGNOLI_REFLECTED = 0x82F63B78;

  /** CRC-32C one bit at a time: init all ones, reflected, final complement. */
  static int referenceCrc32c(byte[] b, int off, int len) {
    int crc = 0xFFFFFFFF;
    for (int i = off; i < off + len; i++) {
      crc ^= b[i] & 0xFF;
      for (int k = 0; k < 8; k++) {
        crc = (crc >>> 1) ^ (CASTAGNOLI_REFLECTED & -(crc & 1));
      }
    }
    return ~crc;
  }

  /** TensorFlow's mask, written as a rotation so that it does not share code with the class. */
  static int referenceMask(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  @Test
  void referenceCrc32c_checkValueOf123456789() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, referenceCrc32c(check, 0, check.length), "the reference itself");
    CRC32C jdk = new CRC32C();
    jdk.update(check);
    assertEquals(0xE3069283L, jdk.getValue());
  }

  @Test
  void maskedCrc32c_checkValueOf123456789_unmasksToE3069283() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    int masked = TfRecordFormat.maskedCrc32c(check, 0, check.length);
    assertEquals(referenceMask(0xE3069283), masked);
    assertEquals(0xE3069283, TfRecordFormat.unmask(masked));
  }

  @Test
  void maskedCrc32c_everyLength0To1024AtSeveralOffsets_matchesBitwiseReference() {
    byte[] data = new byte[1024 + 64];
    new Random(0xC5C32L).nextBytes(data);
    CRC32C reused = new CRC32C();
    int[] offsets = {0, 1, 2, 3, 5, 7, 8, 13, 31, 63};
    for (int off : offsets) {
      for (int len = 0; len <= 1024; len++) {
        int expected = referenceMask(referenceCrc32c(data, off, len));
        assertEquals(expected, TfRecordFormat.maskedCrc32c(data, off, len), "offset " + off + " length " + len);
        assertEquals(expected, TfRecordFormat.maskedCrc32c(reused, data, off, len),
            "reused checksum object, offset " + off + " length " + len);
      }
    }
  }

  @Test
  void maskedCrc32c_allZerosAndAllOnes_matchReference() {
    for (byte fill : new byte[] {0, (byte) 0xFF}) {
      byte[] b = new byte[1024];
      java.util.Arrays.fill(b, fill);
      for (int len = 0; len <= b.length; len += 17) {
        assertEquals(referenceMask(referenceCrc32c(b, 0, len)), TfRecordFormat.maskedCrc32c(b, 0, len),
            "fill " + fill + " length " + len);
      }
    }
  }

  @Test
  void mask_ofZero_isTheDelta() {
    assertEquals(0xa282ead8, TfRecordFormat.mask(0));
    assertEquals(0, TfRecordFormat.unmask(0xa282ead8));
  }

  @Property(tries = 2000)
  void mask_unmask_areInverse(@ForAll int crc) {
    assertEquals(referenceMask(crc), TfRecordFormat.mask(crc));
    assertEquals(crc, TfRecordFormat.unmask(TfRecordFormat.mask(crc)));
    assertEquals(crc, TfRecordFormat.mask(TfRecordFormat.unmask(crc)));
  }

  @Test
  void mask_unmask_edgeValues() {
    for (int crc : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xa282ead8, 0x5d7d1527, 1 << 15, 1 << 17}) {
      assertEquals(referenceMask(crc), TfRecordFormat.mask(crc), Integer.toHexString(crc));
      assertEquals(crc, TfRecordFormat.unmask(TfRecordFormat.mask(crc)), Integer.toHexString(crc));
    }
  }

  @Test
  void frame_layoutIsLengthLengthCrcDataDataCrc() {
    Random random = new Random(7);
    for (int len : new int[] {0, 1, 7, 8, 9, 255, 256, 4096}) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      byte[] framed = TfRecordFormat.frame(data);
      assertEquals(len + 16, framed.length);
      assertEquals(TfRecordFormat.framedLength(len), framed.length);
      ByteBuffer bb = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(len, bb.getLong(0), "length");
      assertEquals(referenceMask(referenceCrc32c(framed, 0, 8)), bb.getInt(8), "length crc");
      assertArrayEquals(data, java.util.Arrays.copyOfRange(framed, 12, 12 + len), "data");
      assertEquals(referenceMask(referenceCrc32c(data, 0, len)), bb.getInt(12 + len), "data crc");
    }
  }

  @Test
  void frameInPlace_matchesFrame() {
    Random random = new Random(11);
    for (int len : new int[] {0, 1, 100, 1000, 2047, 2048, 5000}) { // lengths of the CRC table and past it
      byte[] data = new byte[len];
      random.nextBytes(data);
      byte[] out = new byte[5 + len + 16];
      System.arraycopy(data, 0, out, 5 + 12, len);
      int end = TfRecordFormat.frameInPlace(new CRC32C(), out, 5, len);
      assertEquals(5 + len + 16, end);
      assertArrayEquals(TfRecordFormat.frame(data), java.util.Arrays.copyOfRange(out, 5, end));
    }
  }

  @Test
  void frame_intoOffset_returnsEndAndLeavesNeighboursAlone() {
    byte[] data = {1, 2, 3};
    byte[] out = new byte[3 + 19 + 3];
    java.util.Arrays.fill(out, (byte) 0x55);
    int end = TfRecordFormat.frame(new CRC32C(), new byte[] {9, 1, 2, 3, 9}, 1, 3, out, 3);
    assertEquals(3 + 19, end);
    assertArrayEquals(TfRecordFormat.frame(data), java.util.Arrays.copyOfRange(out, 3, end));
    for (int i : new int[] {0, 1, 2, end, end + 1, end + 2}) {
      assertEquals((byte) 0x55, out[i], "byte " + i);
    }
  }

  @Test
  void frameInPlace_lengthChecksum_matchesTheReferenceForEveryTabledLengthAndBeyond() {
    for (int len = 0; len <= 2100; len++) {
      byte[] out = new byte[len + 16];
      TfRecordFormat.frameInPlace(new CRC32C(), out, 0, len);
      ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(len, bb.getLong(0));
      assertEquals(referenceMask(referenceCrc32c(java.util.Arrays.copyOf(out, 8), 0, 8)), bb.getInt(8),
          "length crc of " + len);
    }
  }
}
