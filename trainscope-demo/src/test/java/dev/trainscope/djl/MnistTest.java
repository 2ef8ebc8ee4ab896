package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  @Test
  void bundled_holds10000DigitsOf28x28_everyClassOften() {
    Mnist m = Fixture.MNIST;
    assertEquals(10_000, m.count());
    assertEquals(28, m.rows());
    assertEquals(28, m.cols());
    int[] perClass = new int[10];
    long ink = 0;
    for (int i = 0; i < m.count(); i++) {
      perClass[m.label(i)]++;
    }
    for (byte p : m.pixels()) {
      ink += p & 0xFF;
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(perClass[c] > 800 && perClass[c] < 1200, "class " + c + ": " + perClass[c]);
    }
    // MNIST's mean pixel is about 0.13 of white, as the normalisation constants say
    double mean = ink / 255.0 / m.pixels().length;
    assertEquals(Mnist.MEAN, mean, 0.01);
  }

  @Test
  void sameAsTheSharedCopy_whenPresent() throws IOException {
    Path shared = Path.of(System.getProperty("trainscope.shared", "../shared"), "data", "mnist-10k");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "no " + shared);
    assertEquals(Mnist.read(shared), Fixture.MNIST);
  }

  @Test
  void floats_normalisedAndRaw() {
    Mnist one = Fixture.MNIST.slice(5, 6);
    float[] raw = one.floats(false);
    float[] norm = one.floats(true);
    for (int i = 0; i < raw.length; i++) {
      assertEquals(one.pixels()[i] & 0xFF, raw[i]);
      assertEquals((raw[i] / 255f - Mnist.MEAN) / Mnist.STD, norm[i]);
    }
    assertArrayEquals(new float[] {Fixture.MNIST.label(5)}, one.labelFloats());
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) {
    return ByteBuffer.allocate(16 + pixelBytes).putInt(magic).putInt(count).putInt(rows).putInt(cols).array();
  }

  static byte[] labels(int magic, int count, int labelBytes) {
    return ByteBuffer.allocate(8 + labelBytes).putInt(magic).putInt(count).array();
  }

  static String readError(byte[] images, byte[] labels) throws IOException {
    InputStream i = new ByteArrayInputStream(gzip(images));
    InputStream l = new ByteArrayInputStream(gzip(labels));
    return assertThrows(IOException.class, () -> Mnist.read(i, l, "x")).getMessage();
  }

  @Test
  void read_damagedFiles_sayWhatIsWrong() throws IOException {
    assertEquals("x: images file has magic 0x00000801, expected 0x00000803",
        readError(images(0x801, 1, 2, 2, 4), labels(0x801, 1, 1)));
    assertEquals("x: images header says 2 x 2 x 2 = 8 pixel bytes, the file holds 4",
        readError(images(0x803, 2, 2, 2, 4), labels(0x801, 2, 2)));
    assertEquals("x: images file is 6 bytes, shorter than its 16-byte header",
        readError(new byte[] {0, 0, 8, 3, 0, 0}, labels(0x801, 1, 1)));
    assertEquals("x: labels file has magic 0x00000803, expected 0x00000801",
        readError(images(0x803, 1, 2, 2, 4), labels(0x803, 1, 1)));
    assertEquals("x: 1 images but the labels file says 1 labels and holds 2",
        readError(images(0x803, 1, 2, 2, 4), labels(0x801, 1, 2)));
    byte[] badLabel = labels(0x801, 1, 1);
    badLabel[8] = 10;
    assertEquals("x: label 0 is 10, expected 0..9", readError(images(0x803, 1, 2, 2, 4), badLabel));
  }

  @Test
  void read_aFolder(@TempDir Path dir) throws IOException {
    byte[] img = images(0x803, 2, 1, 2, 4);
    img[16] = 1;
    img[19] = (byte) 255;
    byte[] lab = labels(0x801, 2, 2);
    lab[9] = 7;
    Files.write(dir.resolve("images-idx3-ubyte.gz"), gzip(img));
    Files.write(dir.resolve("labels-idx1-ubyte.gz"), gzip(lab));
    Mnist m = Mnist.read(dir);
    assertEquals(2, m.count());
    assertEquals(1, m.pixel(0, 0, 0));
    assertEquals(255, m.pixel(1, 0, 1));
    assertEquals(7, m.label(1));
    assertThrows(IllegalArgumentException.class, () -> m.slice(1, 3));
  }
}
