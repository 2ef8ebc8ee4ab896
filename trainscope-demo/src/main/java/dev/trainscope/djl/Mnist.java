package dev.trainscope.djl;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * MNIST digits in the IDX format that every MNIST loader reads, gzipped:
 *
 * <pre>
 * images-idx3-ubyte.gz: u32 magic = 0x00000803, u32 count, u32 rows, u32 cols, count x rows x cols u8 pixels
 * labels-idx1-ubyte.gz: u32 magic = 0x00000801, u32 count, count u8 labels (0..9)
 * </pre>
 *
 * <p>(integers big-endian, pixels row by row, 0 the background). {@link #bundled()} reads the
 * 10,000 digits shipped in this jar ({@code mnist-10k}: the first 8,000 for training, the last 2,000
 * for validation; see its README for the source and licence).
 *
 * @param pixels {@code count x rows x cols} bytes, image after image
 */
public record Mnist(byte[] pixels, byte[] labels, int count, int rows, int cols) {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  /** The resource folder of the bundled digits. */
  static final String BUNDLED = "/dev/trainscope/djl/mnist-10k/";
  public static final int TRAIN_COUNT = 8000;
  public static final int VAL_COUNT = 2000;
  /** Mean and standard deviation of MNIST's pixels scaled to [0, 1] (the usual constants, from the full training set). */
  public static final float MEAN = 0.1307f;
  public static final float STD = 0.3081f;

  public Mnist {
    if (count < 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("count, rows and cols must be >= 0, > 0, > 0, were " + count + ", " + rows
          + ", " + cols);
    }
    if (pixels.length != (long) count * rows * cols) {
      throw new IllegalArgumentException("pixels.length must be count x rows x cols = " + (long) count * rows * cols
          + ", was " + pixels.length);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException("labels.length must be count = " + count + ", was " + labels.length);
    }
  }

  /** The 10,000 digits shipped in this jar. */
  public static Mnist bundled() {
    try (InputStream images = resource("images-idx3-ubyte.gz");
        InputStream labels = resource("labels-idx1-ubyte.gz")) {
      return read(images, labels, "bundled " + BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code images-idx3-ubyte.gz} and {@code labels-idx1-ubyte.gz} from a folder. */
  public static Mnist read(Path dir) throws IOException {
    try (InputStream images = Files.newInputStream(dir.resolve("images-idx3-ubyte.gz"));
        InputStream labels = Files.newInputStream(dir.resolve("labels-idx1-ubyte.gz"))) {
      return read(images, labels, dir.toString());
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Mnist.class.getResourceAsStream(BUNDLED + name);
    if (in == null) {
      throw new IOException("the bundled MNIST file " + BUNDLED + name + " is missing from the class path");
    }
    return in;
  }

  /** Reads gzipped IDX images and labels; {@code where} names them in error messages. */
  static Mnist read(InputStream imagesGz, InputStream labelsGz, String where) throws IOException {
    byte[] img = new GZIPInputStream(imagesGz).readAllBytes();
    byte[] lab = new GZIPInputStream(labelsGz).readAllBytes();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(img));
    int count;
    int rows;
    int cols;
    try {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new IOException(String.format("%s: images file has magic 0x%08x, expected 0x%08x", where, magic,
            IMAGES_MAGIC));
      }
      count = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
    } catch (EOFException e) {
      throw new IOException(where + ": images file is " + img.length + " bytes, shorter than its 16-byte header", e);
    }
    if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols != img.length - 16L) {
      throw new IOException(where + ": images header says " + count + " x " + rows + " x " + cols + " = "
          + (long) count * rows * cols + " pixel bytes, the file holds " + (img.length - 16L));
    }
    in = new DataInputStream(new ByteArrayInputStream(lab));
    int labelCount;
    try {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new IOException(String.format("%s: labels file has magic 0x%08x, expected 0x%08x", where, magic,
            LABELS_MAGIC));
      }
      labelCount = in.readInt();
    } catch (EOFException e) {
      throw new IOException(where + ": labels file is " + lab.length + " bytes, shorter than its 8-byte header", e);
    }
    if (labelCount != count || lab.length - 8L != count) {
      throw new IOException(where + ": " + count + " images but the labels file says " + labelCount + " labels and holds "
          + (lab.length - 8L));
    }
    byte[] labels = Arrays.copyOfRange(lab, 8, lab.length);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] > 9) {
        throw new IOException(where + ": label " + i + " is " + (labels[i] & 0xFF) + ", expected 0..9");
      }
    }
    return new Mnist(Arrays.copyOfRange(img, 16, img.length), labels, count, rows, cols);
  }

  /** The pixels of one image, 0..255. */
  public int pixel(int image, int row, int col) {
    return pixels[(image * rows + row) * cols + col] & 0xFF;
  }

  public int label(int image) {
    return labels[image];
  }

  /** The images {@code [from, to)} as a new data set. */
  public Mnist slice(int from, int to) {
    if (from < 0 || to > count || from > to) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") must lie in [0, " + count + "]");
    }
    int size = rows * cols;
    return new Mnist(Arrays.copyOfRange(pixels, from * size, to * size), Arrays.copyOfRange(labels, from, to),
        to - from, rows, cols);
  }

  /**
   * The pixels as floats {@code [count, 1, rows, cols]}: {@code (p / 255 - mean) / std}, or {@code p}
   * itself (0..255) when {@code normalize} is false.
   */
  public float[] floats(boolean normalize) {
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) {
      int p = pixels[i] & 0xFF;
      out[i] = normalize ? (p / 255f - MEAN) / STD : p;
    }
    return out;
  }

  /** The labels as floats, as DJL's losses take them. */
  public float[] labelFloats() {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = labels[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mnist m && count == m.count && rows == m.rows && cols == m.cols
        && Arrays.equals(pixels, m.pixels) && Arrays.equals(labels, m.labels);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(pixels) * 31 + Arrays.hashCode(labels)) * 31 + count;
  }

  @Override
  public String toString() {
    return "Mnist[" + count + " images of " + rows + " x " + cols + "]";
  }
}
