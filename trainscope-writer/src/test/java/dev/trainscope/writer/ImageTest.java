package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTest {
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  @TempDir
  Path dir;

  static BufferedImage decode(byte[] png) {
    try {
      return ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The images plugin's tensor of the only value of a tag, checked for shape, and its first image decoded. */
  private BufferedImage readImage(String tag, int width, int height) {
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), tag);
    assertEquals(1, vs.size());
    TensorProto t = (TensorProto) vs.get(0).value().value();
    assertEquals(DataType.DT_STRING, t.dataType());
    assertEquals(TensorShape.of(3), t.shape());
    PluginTensors.Images images = PluginTensors.images(t);
    assertEquals(width, images.width());
    assertEquals(height, images.height());
    BufferedImage img = decode(images.encoded().get(0));
    assertEquals(width, img.getWidth());
    assertEquals(height, img.getHeight());
    return img;
  }

  static BufferedImage randomRgb(int w, int h, long seed, boolean alpha) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, alpha ? r.nextInt() : r.nextInt() | 0xFF000000);
      }
    }
    return img;
  }

  static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
    assertEquals(expected.getWidth(), actual.getWidth());
    assertEquals(expected.getHeight(), actual.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(Integer.toHexString(expected.getRGB(x, y)), Integer.toHexString(actual.getRGB(x, y)),
            "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void image_bufferedImage_pngDecodesToSamePixels_withImagesMetadata() {
    BufferedImage img = randomRgb(7, 5, 1, false);
    BufferedImage argb = randomRgb(3, 4, 2, true);
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.image("rgb", img, 1);
      w.image("argb", argb, 1);
    }
    assertSamePixels(img, readImage("rgb", 7, 5));
    assertSamePixels(argb, readImage("argb", 3, 4));
    SummaryMetadata md = Read.values(Read.onlyEventFile(dir), "rgb").get(0).value().metadata();
    assertEquals(PluginNames.IMAGES, md.pluginName());
    assertEquals(SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE, md.dataClass());
  }

  /** Bytes b, normalised as torchvision does, come back as b. */
  @Test
  void image_floatChwMeanStd_denormalizesToOriginalBytes() {
    int h = 4;
    int w = 3;
    Random r = new Random(5);
    int[][][] bytes = new int[3][h][w];
    float[] chw = new float[3 * h * w];
    float[] hwc = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int b = r.nextInt(256);
          bytes[c][y][x] = b;
          float v = (b / 255f - MEAN[c]) / STD[c];
          chw[(c * h + y) * w + x] = v;
          hwc[(y * w + x) * 3 + c] = v;
        }
      }
    }
    try (SummaryWriter sw = SummaryWriter.create(dir)) {
      sw.image("chw", chw, 3, h, w, Layout.CHW, Denormalize.meanStd(MEAN, STD), 1);
      sw.image("hwc", hwc, 3, h, w, Layout.HWC, Denormalize.meanStd(MEAN, STD), 1);
    }
    for (String tag : List.of("chw", "hwc")) {
      BufferedImage img = readImage(tag, w, h);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = img.getRGB(x, y);
          assertArrayEquals(new int[] {bytes[0][y][x], bytes[1][y][x], bytes[2][y][x]},
              new int[] {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF}, tag + " pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void image_greyRangeDenormalize_clampsAndMapsNaNToZero() {
    // range(-1, 1): -1 -> 0, 0 -> 0.5 -> 128, 1 -> 255, 3 -> clamped 255, -7 -> 0, NaN -> 0
    float[] data = {-1, 0, 1, 3, -7, Float.NaN};
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.image("grey", data, 1, 2, 3, Layout.CHW, Denormalize.range(-1, 1), 1);
    }
    BufferedImage img = readImage("grey", 3, 2);
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
    int[] samples = img.getRaster().getSamples(0, 0, 3, 2, 0, new int[6]);
    assertArrayEquals(new int[] {0, 128, 255, 255, 0, 0}, samples);
  }

  @Test
  void image_rgbaNone_keepsAlpha() {
    float[] hwc = {1f, 0f, 0f, 0.5f, 0f, 1f, 0f, 1f}; // two pixels: half-transparent red, opaque green
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.image("rgba", hwc, 4, 1, 2, Layout.HWC, Denormalize.NONE, 1);
    }
    BufferedImage img = readImage("rgba", 2, 1);
    assertEquals("80ff0000", Integer.toHexString(img.getRGB(0, 0)));
    assertEquals("ff00ff00", Integer.toHexString(img.getRGB(1, 0)));
  }

  @Test
  void imagePng_sizeFromHeader_bytesKeptAsGiven() {
    byte[] png = Images.png(randomRgb(9, 2, 3, false));
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.imagePng("png", png, 4);
    }
    TensorProto t = (TensorProto) Read.values(Read.onlyEventFile(dir), "png").get(0).value().value();
    PluginTensors.Images images = PluginTensors.images(t);
    assertEquals(9, images.width());
    assertEquals(2, images.height());
    assertArrayEquals(png, images.encoded().get(0));
  }

  @Test
  void imagePng_notAPng_throwsNamingTheBytes() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.imagePng("x", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}, 1));
      assertEquals("png does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A, starts with FF D8 FF 00",
          e.getMessage());
      byte[] truncated = Arrays.copyOf(Images.png(randomRgb(2, 2, 4, false)), 20);
      e = assertThrows(IllegalArgumentException.class, () -> w.imagePng("x", truncated, 1));
      assertEquals("png is truncated: 20 bytes, a PNG has at least 33 (signature and IHDR chunk)", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.imagePng("x", new byte[0], 1));
      assertEquals("png does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A, starts with (nothing)",
          e.getMessage());
    }
  }

  @Test
  void grid_placesImagesRowByRow_withBlackPadding() {
    BufferedImage a = randomRgb(2, 2, 10, false);
    BufferedImage b = randomRgb(2, 2, 11, false);
    BufferedImage c = randomRgb(2, 2, 12, false);
    BufferedImage g = Images.grid(List.of(a, b, c), 2, 1);
    assertEquals(7, g.getWidth()); // 2 cells of 2 + 3 paddings of 1
    assertEquals(7, g.getHeight());
    int[][] origins = {{1, 1}, {4, 1}, {1, 4}};
    BufferedImage[] images = {a, b, c};
    for (int i = 0; i < 3; i++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 2; x++) {
          assertEquals(images[i].getRGB(x, y), g.getRGB(origins[i][0] + x, origins[i][1] + y), "image " + i);
        }
      }
    }
    for (int x = 0; x < 7; x++) {
      assertEquals(0xFF000000, g.getRGB(x, 0), "top padding");
      assertEquals(0xFF000000, g.getRGB(x, 3), "padding between rows");
    }
    for (int y = 4; y < 6; y++) {
      for (int x = 4; x < 6; x++) {
        assertEquals(0xFF000000, g.getRGB(x, y), "the empty fourth cell");
      }
    }
  }

  @Test
  void gridOfBatch_equalsGridOfItsImages_andIsLoggedAsOnePng() {
    int n = 5;
    float[] batch = new float[n * 3 * 4 * 4];
    Random r = new Random(9);
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (float) r.nextGaussian();
    }
    ImageBatch b = ImageBatch.nchw(batch, n, 3, 4, 4);
    Denormalize undo = Denormalize.meanStd(MEAN, STD);
    BufferedImage grid = Images.grid(b, undo);
    assertEquals(5 * 6 + 2, grid.getWidth()); // 5 columns (fewer images than 8), cells of 4 + padding 2
    assertEquals(6 + 2, grid.getHeight());
    for (int i = 0; i < n; i++) {
      float[] one = Arrays.copyOfRange(batch, i * 48, (i + 1) * 48);
      BufferedImage img = Images.toImage(one, 3, 4, 4, Layout.CHW, undo);
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(img.getRGB(x, y), grid.getRGB(2 + i * 6 + x, 2 + y), "image " + i + " pixel " + x + "," + y);
        }
      }
    }
    List<BufferedImage> list = Images.toImages(b, undo);
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.images("batch", list, 3, 1);
    }
    BufferedImage logged = readImage("batch", 3 * 6 + 2, 2 * 6 + 2);
    assertSamePixels(Images.grid(list, 3, 2), logged);
  }

  @Test
  void grid_greyAndRgbMixed_copiesGreySamples() {
    BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 128);
    BufferedImage g = Images.grid(List.of(grey), 8, 0);
    assertEquals(0xFF808080, g.getRGB(0, 0));
  }

  @Test
  void imageArguments_badShapesAndChannels_throw() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.image("i", new float[12], 2, 2, 3, Layout.CHW, Denormalize.NONE, 1));
      assertEquals("channels must be 1 (grey), 3 (RGB) or 4 (RGBA), was 2", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.image("i", new float[11], 3, 2, 2, Layout.CHW, Denormalize.NONE, 1));
      assertEquals("data.length must be 3 x 2 x 2 = 12, was 11", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.image("i", new float[4], 1, 2, 2, Layout.CHW, Denormalize.meanStd(MEAN, STD), 1));
      assertEquals("Denormalize.meanStd has 3 channels (mean [0.485, 0.456, 0.406]), the image has 1", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.images("i", List.of(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)), 0, 1));
      assertEquals("columns must be > 0, was 0", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.images("i", List.of(), 2, 1));
      assertEquals("images must not be empty, was []", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> Denormalize.meanStd(new float[] {0.5f}, new float[] {0f}));
      assertEquals("std[0] must be finite and > 0, was 0.0", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> Denormalize.range(1, 1));
      assertEquals("min must be < max, were min 1.0 and max 1.0", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> ImageBatch.nchw(new float[10], 2, 3, 2, 2));
      assertEquals("data.length must be 2 x 3 x 2 x 2 = 24, was 10", e.getMessage());
    }
    assertEquals(List.of(), Read.values(Read.onlyEventFile(dir), "i"), "nothing of a refused call is logged");
  }

  @Test
  void image_metadataOnlyOnFirstValue() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.image("i", randomRgb(1, 1, 1, false), 1);
      w.image("i", randomRgb(1, 1, 2, false), 2);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "i");
    assertEquals(PluginNames.IMAGES, vs.get(0).value().metadata().pluginName());
    assertNull(vs.get(1).value().metadata());
  }
}
