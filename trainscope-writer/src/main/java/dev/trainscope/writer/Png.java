package dev.trainscope.writer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * PNG encoding with javax.imageio, and the header facts a PNG gives without decoding it:
 *
 * <pre>
 *  offset  size  field
 *  0       8     signature   89 50 4E 47 0D 0A 1A 0A
 *  8       4     length      13, big endian: the IHDR chunk always comes first
 *  12      4     type        "IHDR"
 *  16      4     width       big endian, 1 .. 2^31-1
 *  20      4     height      big endian, 1 .. 2^31-1
 *  24      5     bit depth, colour type, compression, filter, interlace
 *  29      4     CRC of the chunk
 * </pre>
 */
final class Png {
  private Png() {}

  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  static final int MIN_LENGTH = 33;

  /** Width and height from the IHDR chunk, after checking the signature. */
  static int[] size(byte[] png) {
    Require.nonNull(png, "png");
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (i >= png.length || png[i] != SIGNATURE[i]) {
        throw new IllegalArgumentException("png does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A,"
            + " starts with " + hex(png, Math.min(8, png.length)));
      }
    }
    if (png.length < MIN_LENGTH) {
      throw new IllegalArgumentException("png is truncated: " + png.length
          + " bytes, a PNG has at least " + MIN_LENGTH + " (signature and IHDR chunk)");
    }
    if (int32(png, 8) != 13 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
      throw new IllegalArgumentException("png does not begin with a 13-byte IHDR chunk, has " + hex(png, 16).substring(24));
    }
    int width = int32(png, 16);
    int height = int32(png, 20);
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("png has an invalid size " + Integer.toUnsignedString(width) + " x "
          + Integer.toUnsignedString(height));
    }
    return new int[] {width, height};
  }

  private static int int32(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
    }
    return n == 0 ? "(nothing)" : sb.toString();
  }

  /**
   * Encodes an image as PNG in memory (ImageIO's default would cache through a temporary file).
   * Images of types the PNG writer refuses are converted to ARGB first.
   */
  static byte[] encode(BufferedImage image) {
    Require.nonNull(image, "image");
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight() + 256);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JDK has no PNG writer in javax.imageio");
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      BufferedImage img = image;
      if (!writer.getOriginatingProvider().canEncodeImage(img)) {
        img = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
          g.drawImage(image, 0, 0, null);
        } finally {
          g.dispose();
        }
      }
      writer.write(img);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a PNG in memory failed", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
