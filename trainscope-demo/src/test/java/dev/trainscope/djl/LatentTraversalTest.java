package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The traversal's codes and pictures, with a decoder written here and with the VAE's own. */
class LatentTraversalTest {
  static final int D = 8;
  static final int CELL = 28 + LatentTraversal.PADDING;

  static float[] randomCode(long seed) {
    Random r = new Random(seed);
    float[] c = new float[D];
    for (int i = 0; i < D; i++) {
      c[i] = (float) r.nextGaussian();
    }
    return c;
  }

  /** A decoder that records the codes it is given and draws code i as a flat grey of level i + 1. */
  static final class Recording implements LatentTraversal.Decoder {
    final List<float[]> codes = new ArrayList<>();

    @Override
    public float[] decode(float[] batch, int n) {
      assertEquals(n * D, batch.length);
      float[] pixels = new float[n * 784];
      for (int i = 0; i < n; i++) {
        codes.add(Arrays.copyOfRange(batch, i * D, (i + 1) * D));
        Arrays.fill(pixels, i * 784, (i + 1) * 784, (i + 1) / 255f);
      }
      return pixels;
    }
  }

  @Test
  void offsets_runFromMinus3To3InNineSteps_exactly0InTheMiddle() {
    double[] expected = {-3, -2.25, -1.5, -0.75, 0, 0.75, 1.5, 2.25, 3};
    for (int k = 0; k < 9; k++) {
      assertEquals(expected[k], LatentTraversal.offset(k, 9, 3), 0, "column " + k);
    }
    assertEquals(0.0, LatentTraversal.offset(3, 7, 2.5));
    assertEquals("steps must be odd and >= 3, so the middle one is the sample, was 8",
        assertThrows(IllegalArgumentException.class, () -> LatentTraversal.sweep(new float[D], 8, 3)).getMessage());
  }

  @Test
  void codesFedToTheDecoder_changeOnlyTheSweptDimension_andTheMiddleColumnIsTheSample() {
    float[] base = randomCode(7);
    Recording decoder = new Recording();
    LatentTraversal.traversal(base, decoder);
    assertEquals(D * 9, decoder.codes.size());
    for (int d = 0; d < D; d++) {
      for (int k = 0; k < 9; k++) {
        float[] z = decoder.codes.get(d * 9 + k);
        for (int j = 0; j < D; j++) {
          if (j != d) {
            assertEquals(base[j], z[j], 0, "row " + d + " column " + k + ": dimension " + j + " held");
          }
        }
        assertEquals((float) (base[d] + (-3 + 0.75 * k)), z[d], 0, "row " + d + " column " + k + " swept");
      }
      assertArrayEquals(base, decoder.codes.get(d * 9 + 4), "row " + d + "'s middle column is the sample's code");
    }
  }

  @Test
  void traversalGrid_isDRowsBy9ColumnsOf28x28_twoBlackPixelsAroundEveryCell() {
    BufferedImage grid = LatentTraversal.traversal(randomCode(3), new Recording());
    assertEquals(9 * CELL + 2, grid.getWidth());
    assertEquals(D * CELL + 2, grid.getHeight());
    for (int y = 0; y < grid.getHeight(); y++) {
      for (int x = 0; x < grid.getWidth(); x++) {
        int cx = (x - 2) % CELL;
        int cy = (y - 2) % CELL;
        boolean separator = x < 2 || y < 2 || cx >= 28 || cy >= 28;
        // cell (d, k) holds decoded code d * 9 + k, drawn as grey level d * 9 + k + 1
        int expected = separator ? 0 : ((y - 2) / CELL) * 9 + (x - 2) / CELL + 1;
        assertEquals(expected, PicturesTest.grey(grid, x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void reconstructionGrid_inputsInTheTopRow_reconstructionsBelowThem() {
    int n = 3;
    float[] inputs = new float[n * 784];
    float[] decoded = new float[n * 784];
    for (int i = 0; i < n * 784; i++) {
      inputs[i] = (i % 251) / 255f;
      decoded[i] = ((i * 7) % 253) / 255f;
    }
    BufferedImage grid = LatentTraversal.reconstructionGrid(inputs, decoded, n);
    assertEquals(n * CELL + 2, grid.getWidth());
    assertEquals(2 * CELL + 2, grid.getHeight());
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          int p = i * 784 + y * 28 + x;
          assertEquals(p % 251, PicturesTest.grey(grid, 2 + i * CELL + x, 2 + y), "input " + i);
          assertEquals((p * 7) % 253, PicturesTest.grey(grid, 2 + i * CELL + x, 2 + CELL + y), "reconstruction " + i);
        }
      }
    }
  }

  @Test
  void spread_isEachDimensionsPopulationStandardDeviation() {
    // three codes of two dimensions: (1, 5), (2, 5), (3, 5)
    double[] sd = LatentTraversal.spread(new float[] {1, 5, 2, 5, 3, 5}, 2);
    assertEquals(Math.sqrt(2.0 / 3), sd[0], 1e-12);
    assertEquals(0.0, sd[1]);
  }

  @Test
  void withTheVaesDecoder_theMiddleColumnIsTheDecodeOfTheSamplesCodeAlone() {
    Engine.getInstance().setRandomSeed(5);
    Autoencoder vae = Autoencoder.vae(D);
    try (NDManager m = NDManager.newBaseManager()) {
      vae.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      ParameterStore store = new ParameterStore(m, false);
      LatentTraversal.Decoder decoder = (codes, n) -> vae.decode(store, m.create(codes, new Shape(n, D))).toFloatArray();
      float[] base = randomCode(11);
      BufferedImage grid = LatentTraversal.traversal(base, decoder);
      BufferedImage alone = LatentTraversal.grid(decoder.decode(base, 1), 1, 1);
      int differing = 0;
      int changedAlongRows = 0;
      for (int d = 0; d < D; d++) {
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            int middle = PicturesTest.grey(grid, 2 + 4 * CELL + x, 2 + d * CELL + y);
            int own = PicturesTest.grey(alone, 2 + x, 2 + y);
            // a batch of 72 and a batch of 1 may round the last bit differently: one grey level at most
            assertTrue(Math.abs(middle - own) <= 1, "row " + d + " pixel " + x + "," + y + ": " + middle + " vs " + own);
            differing += middle != own ? 1 : 0;
            changedAlongRows += PicturesTest.grey(grid, 2 + x, 2 + d * CELL + y) != middle ? 1 : 0;
          }
        }
      }
      assertTrue(differing < 8, differing + " of " + D * 784 + " pixels off by one grey level");
      assertTrue(changedAlongRows > 0, "the sweep's first column differs from its middle one somewhere");
    }
  }
}
