package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import dev.trainscope.writer.Denormalize;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pictures the listener logs, read back from the event file pixel by pixel. */
class PicturesTest {
  @TempDir
  Path dir;
  NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** The grey level of a pixel of a grid (R, G and B must agree). */
  static int grey(BufferedImage img, int x, int y) {
    int rgb = img.getRGB(x, y);
    int r = rgb >> 16 & 0xFF;
    assertEquals(r, rgb >> 8 & 0xFF, "grey at " + x + "," + y);
    assertEquals(r, rgb & 0xFF, "grey at " + x + "," + y);
    return r;
  }

  @Test
  void filterGrid_pixelsAreTheKernelValuesRescaledFromMinMaxTo0To255() throws Exception {
    // 5 filters of 3 x 3, values -2.25 .. 2.25 in steps of 0.1: filter o, row y, column x = (9o + 3y + x) / 10 - 2.25
    float[] w = new float[5 * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = i / 10f - 2.25f;
    }
    Block conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(5).build();
    conv.setInitializer((m, shape, type) -> m.create(w, shape), Parameter.Type.WEIGHT);
    SequentialBlock net = new SequentialBlock().add(conv).add(Activation.reluBlock()).add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(10).build());
    ArrayDataset data = Fixture.dataset(manager, 0, 32, true, 32, false);
    Fixture.train(net, 1, 1, data, null, new Shape(32, 1, 28, 28),
        model -> List.of(TrainscopeListener.builder(dir).imagesEvery(1).build()));
    BufferedImage grid = Logs.read(dir).images("filters/conv2d_1").get(0L);
    int scale = 8; // a 3 x 3 kernel enlarged to at least 24 pixels
    int cell = 3 * scale;
    assertEquals(5 * (cell + 2) + 2, grid.getWidth());
    assertEquals(cell + 4, grid.getHeight());
    float min = w[0];
    float max = w[w.length - 1];
    for (int o = 0; o < 5; o++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 3; x++) {
          float v = w[o * 9 + y * 3 + x];
          int expected = Math.round((v - min) * (1f / (max - min)) * 255f);
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              int px = 2 + o * (cell + 2) + x * scale + dx;
              int py = 2 + y * scale + dy;
              assertEquals(expected, grey(grid, px, py), "filter " + o + " (" + y + "," + x + ") at pixel " + px + "," + py);
            }
          }
        }
      }
    }
    assertEquals(0, grey(grid, 0, 0), "padding is black");
    assertEquals(255, grey(grid, 2 + 4 * (cell + 2) + 2 * scale, 2 + 2 * scale), "the largest weight is white");
  }

  @Test
  void inputGrids_undoTheNormalisation_giveBackTheOriginalMnistBytes() throws Exception {
    ArrayDataset train = Fixture.dataset(manager, 0, 64, true, 32, false);
    ArrayDataset val = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 64, true, 64, false);
    Fixture.train(Fixture.smallCnn(), 1, 1, train, val, new Shape(32, 1, 28, 28),
        model -> List.of(TrainscopeListener.builder(dir).imagesEvery(1)
            .inputNormalization(Denormalize.meanStd(new float[] {Mnist.MEAN}, new float[] {Mnist.STD})).build()));
    Logs logs = Logs.read(dir);
    // step 1's batch is training images 32..63; the validation pass starts at image 8,000
    assertDigits(logs.images("inputs/train").get(0L), 0);
    assertDigits(logs.images("inputs/train").get(1L), 32);
    assertDigits(logs.images("inputs/val").get(2L), Mnist.TRAIN_COUNT);
  }

  @Test
  void inputGrids_ofUnnormalisedPixels_withRange0To255_giveBackTheOriginalBytes() throws Exception {
    ArrayDataset train = Fixture.dataset(manager, 100, 132, false, 32, false);
    Fixture.train(Fixture.smallCnn(), 1, 1, train, null, new Shape(32, 1, 28, 28),
        model -> List.of(TrainscopeListener.builder(dir).inputNormalization(Denormalize.range(0, 255)).build()));
    assertDigits(Logs.read(dir).images("inputs/train").get(0L), 100);
  }

  /** The grid holds MNIST images first .. first + 15, 8 a row, padding 2, each pixel its original byte. */
  private static void assertDigits(BufferedImage grid, int first) {
    assertEquals(8 * 30 + 2, grid.getWidth());
    assertEquals(2 * 30 + 2, grid.getHeight());
    for (int i = 0; i < 16; i++) {
      int x0 = 2 + (i % 8) * 30;
      int y0 = 2 + (i / 8) * 30;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          assertEquals(Fixture.MNIST.pixel(first + i, y, x), grey(grid, x0 + x, y0 + y),
              "image " + (first + i) + " pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void enlarge_makesEachPixelASquare_samplesCopiedNotColourConverted() {
    BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setSample(0, 0, 0, 17);
    g.getRaster().setSample(1, 0, 0, 200);
    BufferedImage big = Pictures.enlarge(g, 3);
    assertEquals(6, big.getWidth());
    assertEquals(3, big.getHeight());
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 6; x++) {
        assertEquals(x < 3 ? 17 : 200, big.getRaster().getSample(x, y, 0), x + "," + y);
      }
    }
  }

  @Test
  void featureMaps_flatMaps_areBlack_andTheHighestValueIsWhite() {
    // two 2 x 2 maps: one all zero (a dead channel), one 0, 1, 2, 4
    float[] v = {0, 0, 0, 0, 0, 1, 2, 4};
    BufferedImage grid = Pictures.featureMaps(v, 0, 2, 2, 2);
    int scale = 14; // 2 pixels enlarged to at least 28
    assertEquals(2 * (2 * scale + 2) + 2, grid.getWidth());
    int x1 = 2 + 2 * scale + 2;
    assertEquals(0, grey(grid, 2, 2));
    assertEquals(0, grey(grid, x1, 2));
    assertEquals(Math.round(255 / 4f), grey(grid, x1 + scale, 2));
    assertEquals(Math.round(2 * 255 / 4f), grey(grid, x1, 2 + scale));
    assertEquals(255, grey(grid, x1 + scale, 2 + scale));
    float[] flat = {3, 3, 3, 3};
    assertEquals(0, grey(Pictures.featureMaps(flat, 0, 1, 2, 2), 2, 2), "nothing to show: black");
  }
}
