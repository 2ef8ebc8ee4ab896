package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The top images of a channel and their reconstructions, on a hand-built one-layer CNN whose one
 * filter finds vertical edges (dark to bright, left to right) in hand-made images, and on a
 * two-layer CNN over MNIST digits against the engine's own forward pass.
 */
class FeatureViewsTest {
  static final int SIZE = 12;
  /** Rows of [-1, 0, 1]: a vertical edge, dark on the left, bright on the right. */
  static final float[] EDGE = {-1, 0, 1, -1, 0, 1, -1, 0, 1};

  /** Pixels at columns >= {@code col} of rows [{@code from}, {@code to}) are {@code contrast}, others 0. */
  static float[] vertical(int col, int from, int to, float contrast) {
    float[] img = new float[SIZE * SIZE];
    for (int y = from; y < to; y++) {
      for (int x = col; x < SIZE; x++) {
        img[y * SIZE + x] = contrast;
      }
    }
    return img;
  }

  static float[] horizontal(int row, float contrast) {
    float[] img = new float[SIZE * SIZE];
    for (int y = row; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        img[y * SIZE + x] = contrast;
      }
    }
    return img;
  }

  static float[] blank(float v) {
    float[] img = new float[SIZE * SIZE];
    java.util.Arrays.fill(img, v);
    return img;
  }

  static float[] square(int from, int to, float v) {
    float[] img = new float[SIZE * SIZE];
    for (int y = from; y < to; y++) {
      for (int x = from; x < to; x++) {
        img[y * SIZE + x] = v;
      }
    }
    return img;
  }

  /** The hand-made set, by index. */
  static List<float[]> images() {
    List<float[]> s = new ArrayList<>();
    s.add(blank(0));                       // 0: nothing, max 0
    s.add(horizontal(6, 5));               // 1: a horizontal edge: 0 everywhere
    s.add(vertical(4, 2, 9, 2));           // 2: 3 x 2 = 6 at (2, 2)
    s.add(vertical(7, 0, SIZE, 4));        // 3: 12 at (0, 5)
    s.add(blank(3));                       // 4: flat, 0
    s.add(vertical(3, 0, SIZE, 1));        // 5: 3
    s.add(vertical(5, 0, SIZE, 4));        // 6: 12 at (0, 3), after 3 on ties
    s.add(invert(vertical(6, 0, SIZE, 6), 6)); // 7: bright to dark: negative at the edge, 0 elsewhere
    s.add(vertical(9, 0, SIZE, 3));        // 8: 9
    s.add(horizontal(3, 2));               // 9: 0
    s.add(vertical(2, 0, SIZE, 0.5f));     // 10: 1.5
    s.add(blank(0));                       // 11: 0
    s.add(vertical(2, 0, 4, 5));           // 12: 15 at (0, 0), the best
    s.add(square(4, 8, 2));                // 13: its left side: 6 at (4, 2), after 2 on ties
    return s;
  }

  private static float[] invert(float[] img, float top) {
    float[] out = new float[img.length];
    for (int i = 0; i < img.length; i++) {
      out[i] = top - img[i];
    }
    return out;
  }

  /** Plain Java: the valid 3 x 3 convolution of an image with {@link #EDGE}. */
  static float[] convolve(float[] img) {
    int o = SIZE - 2;
    float[] out = new float[o * o];
    for (int y = 0; y < o; y++) {
      for (int x = 0; x < o; x++) {
        float sum = 0;
        for (int a = 0; a < 3; a++) {
          for (int b = 0; b < 3; b++) {
            sum += img[(y + a) * SIZE + x + b] * EDGE[a * 3 + b];
          }
        }
        out[y * o + x] = sum;
      }
    }
    return out;
  }

  /** Plain Java, gathered rather than scattered: the transposed convolution of {@code v} alone at (y, x). */
  static float[] transposedOneHot(float v, int y, int x) {
    float[] out = new float[SIZE * SIZE];
    for (int iy = 0; iy < SIZE; iy++) {
      for (int ix = 0; ix < SIZE; ix++) {
        int a = iy - y;
        int b = ix - x;
        if (a >= 0 && a < 3 && b >= 0 && b < 3) {
          out[iy * SIZE + ix] = v * EDGE[a * 3 + b];
        }
      }
    }
    return out;
  }

  static SequentialBlock edgeNet(NDManager m) {
    Conv2d conv = (Conv2d) Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(1).optBias(false).build();
    SequentialBlock net = new SequentialBlock().add(conv).add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)));
    net.initialize(m, DataType.FLOAT32, new Shape(1, 1, SIZE, SIZE));
    conv.getParameters().get("weight").getArray().set(EDGE);
    return net;
  }

  static NDArray batch(NDManager m, List<float[]> images, int from, int to) {
    float[] data = new float[(to - from) * SIZE * SIZE];
    for (int i = from; i < to; i++) {
      System.arraycopy(images.get(i), 0, data, (i - from) * SIZE * SIZE, SIZE * SIZE);
    }
    return m.create(data, new Shape(to - from, 1, SIZE, SIZE));
  }

  static NDArray labels(NDManager m, int from, int to) {
    float[] l = new float[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = i % 10;
    }
    return m.create(l);
  }

  @Test
  void edgeFilter_topNineAreTheStrongestVerticalEdges_inOrder_andTheDeconvnetDrawsTheFilterAtTheMax() {
    List<float[]> images = images();
    // expected, in plain Java: each image's maximum response and its first position, sorted
    int n = images.size();
    float[] max = new float[n];
    int[] at = new int[n];
    for (int i = 0; i < n; i++) {
      float[] r = convolve(images.get(i));
      at[i] = 0;
      for (int p = 1; p < r.length; p++) {
        if (r[p] > r[at[i]]) {
          at[i] = p;
        }
      }
      max[i] = r[at[i]];
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(i);
    }
    expected.sort(Comparator.<Integer>comparingDouble(i -> -max[i]).thenComparing(i -> i));
    expected = expected.subList(0, FeatureViews.TOP);
    assertEquals(List.of(12, 3, 6, 8, 2, 13, 5, 10, 0), expected, "the set as designed");

    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = edgeNet(m);
      FeatureViews views = FeatureViews.of(Network.of(net), 8, null, Long.MAX_VALUE);
      assertEquals(1, views.targets().size());
      assertArrayEquals(new int[] {0}, views.targets().get(0).channels(), "fewer than 8 channels: all of them");
      NDArray first = batch(m, images, 0, 8);
      NDArray second = batch(m, images, 8, n);
      int arraysBefore = m.getManagedArrays().size();
      List<FeatureViews.View> result;
      try (NDManager scope = m.newSubManager()) {
        // two batches: indices run on across them
        views.observe(first, labels(m, 0, 8), scope);
        views.observe(second, labels(m, 8, n), scope);
        assertEquals(n, views.seen());
        result = views.finish(scope);
      }
      assertEquals(arraysBefore + 2, m.getManagedArrays().size(), "only the two label arrays stay: nothing leaked");
      assertEquals(0, views.seen(), "finish starts over");

      assertEquals(1, result.size());
      FeatureViews.View v = result.get(0);
      assertEquals("conv2d_1", v.layer());
      assertEquals(0, v.channel());
      assertEquals(n, v.observed());
      List<Integer> got = new ArrayList<>();
      for (FeatureViews.Ranked r : v.ranked()) {
        got.add((int) r.index());
      }
      assertEquals(expected, got);
      int o = SIZE - 2;
      for (int rank = 0; rank < FeatureViews.TOP; rank++) {
        FeatureViews.Ranked r = v.ranked().get(rank);
        int i = expected.get(rank);
        assertEquals(rank + 1, r.rank());
        assertEquals(i % 10, r.label());
        assertEquals(max[i], r.activation(), 1e-5f, "image " + i);
        assertEquals(at[i] / o, r.y(), "row of image " + i);
        assertEquals(at[i] % o, r.x(), "column of image " + i);
        assertArrayEquals(images.get(i), r.image());
        // the deconvnet of one conv layer is the transposed convolution of the single activation
        float[] want = transposedOneHot(r.activation(), r.y(), r.x());
        assertArrayEquals(want, r.deconv(), 1e-6f, "deconvnet of image " + i);
        assertArrayEquals(r.deconv(), r.guided(), "no ReLU below the first convolution: guided is the same");
        for (int y = 0; y < SIZE; y++) {
          for (int x = 0; x < SIZE; x++) {
            float d = r.deconv()[y * SIZE + x];
            boolean edgeColumns = y >= r.y() && y < r.y() + 3 && (x == r.x() || x == r.x() + 2);
            if (r.activation() > 0 && edgeColumns) {
              // the filter's shape and sign: dark (negative) on the left, bright on the right
              assertEquals(x == r.x() ? -r.activation() : r.activation(), d, 1e-6f, "image " + i + " (" + y + ", " + x
                  + ")");
            } else {
              assertEquals(0f, d, "image " + i + ": nothing away from the maximum, at (" + y + ", " + x + ")");
            }
          }
        }
      }
      FeatureViews.Ranked best = v.ranked().get(0);
      assertEquals(15f, best.activation(), 1e-5f);
      assertEquals(0, best.y());
      assertEquals(0, best.x());
      String md = v.markdown(7);
      assertTrue(md.startsWith("**conv2d_1, channel 0** at step 7: the 9 of 14 validation images"), md);
      assertTrue(md.contains("\n| 1 | 12 | 2 | 15.000 | (0, 0) |\n"), md);
      assertTrue(md.contains("\n| 2 | 3 | 3 | 12.000 | (0, 5) |\n| 3 | 6 | 6 | 12.000 | (0, 3) |\n"), md);
      assertTrue(md.endsWith("| 9 | 0 | 0 | 0.0000 | (0, 0) |\n"), md);
    }
  }

  @Test
  void fewerImagesThanNine_rankAllOfThem_andSamplesBeyondTheLimitAreNotSeen() {
    List<float[]> images = images();
    try (NDManager m = NDManager.newBaseManager(); NDManager scope = m.newSubManager()) {
      FeatureViews views = FeatureViews.of(Network.of(edgeNet(m)), 8, null, 5);
      NDArray first = batch(m, images, 0, 4);
      NDArray second = batch(m, images, 4, 8);
      int arrays = m.getManagedArrays().size() - scope.getManagedArrays().size();
      views.observe(first, null, scope);
      views.observe(second, null, scope);
      assertEquals(arrays, m.getManagedArrays().size() - scope.getManagedArrays().size(),
          "the slice of the second batch belongs to the scope, not to the batch's manager");
      assertEquals(5, views.seen(), "the first 5 images of the pass");
      List<FeatureViews.Ranked> r = views.finish(scope).get(0).ranked();
      assertEquals(List.of(3L, 2L, 0L, 1L, 4L), r.stream().map(FeatureViews.Ranked::index).toList());
      assertEquals(-1, r.get(0).label(), "no labels");
    }
  }

  /**
   * conv3x3(4)-relu-pool-conv3x3(16)-relu-pool-dense on 60 MNIST digits: each channel's ranking is
   * the one a direct NDArray computation of the network's convolution outputs gives, whether the
   * channels are the first few, scattered or all.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"first 3 of each", "conv2d_1: 3 and 0, conv2d_2: all 16"})
  void twoLayers_rankingsMatchTheEnginesConvolutionOutputs_andTheReconstructionsLiveInPixelSpace(String which) {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = Fixture.smallCnn();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      Map<String, int[]> chosen = null;
      if (!which.startsWith("first")) {
        chosen = new java.util.LinkedHashMap<>();
        chosen.put("conv2d_1", new int[] {3, 0});
        chosen.put("conv2d_2", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
      }
      FeatureViews views = FeatureViews.of(Network.of(net), 3, chosen, Long.MAX_VALUE);
      assertEquals(List.of("conv2d_1", "conv2d_2"), views.targets().stream().map(t -> t.layer().name).toList());
      NDArray x = Fixture.images(m, 200, 260, true);
      NDArray y = Fixture.labels(m, 200, 260);
      List<FeatureViews.View> result;
      try (NDManager scope = m.newSubManager()) {
        views.observe(x.get("0:25"), y.get("0:25"), scope);
        views.observe(x.get("25:60"), y.get("25:60"), scope);
        result = views.finish(scope);
      }
      assertEquals(chosen == null ? 6 : 18, result.size(), which);
      if (chosen != null) {
        assertEquals(List.of(0, 3), result.subList(0, 2).stream().map(FeatureViews.View::channel).toList());
      }
      ParameterStore store = new ParameterStore(m, false);
      NDList out = new NDList(x);
      float[][] conv = new float[2][];
      int layer = 0;
      for (int i = 0; i < 4; i++) {
        out = net.getChildren().get(i).getValue().forward(store, out, false);
        if (i == 0 || i == 3) {
          conv[layer++] = out.head().toFloatArray();
        }
      }
      int[] planes = {26 * 26, 11 * 11};
      int[] channels = {4, 16};
      int[] widths = {26, 11};
      float[] labels = y.toFloatArray();
      for (FeatureViews.View v : result) {
        int l = v.layer().equals("conv2d_1") ? 0 : 1;
        float[] maxima = new float[60];
        int[] where = new int[60];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          int base = (i * channels[l] + v.channel()) * planes[l];
          for (int p = 1; p < planes[l]; p++) {
            if (conv[l][base + p] > conv[l][base + where[i]]) {
              where[i] = p;
            }
          }
          maxima[i] = conv[l][base + where[i]];
          order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -maxima[i]).thenComparing(i -> i));
        assertEquals(9, v.ranked().size());
        for (int rank = 0; rank < 9; rank++) {
          FeatureViews.Ranked r = v.ranked().get(rank);
          int i = order.get(rank);
          String what = v.layer() + "/" + v.channel() + " rank " + (rank + 1);
          assertEquals(i, r.index(), what);
          assertEquals(maxima[i], r.activation(), 1e-5f * Math.max(1, Math.abs(maxima[i])), what);
          assertEquals(where[i] / widths[l], r.y(), what);
          assertEquals(where[i] % widths[l], r.x(), what);
          assertEquals(Math.round(labels[i]), r.label(), what);
          assertEquals(28 * 28, r.deconv().length);
          assertEquals(28 * 28, r.guided().length);
          if (r.activation() > 0) {
            assertTrue(nonZero(r.deconv()) > 0, what + ": a positive activation leaves a trace in pixel space");
          }
        }
      }
    }
  }

  @Test
  void chosenChannels_onlyThose_andBadChoicesAreRefusedByName() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = Fixture.smallCnn();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      Network network = Network.of(net);
      FeatureViews views = FeatureViews.of(network, 8, Map.of("conv2d_2", new int[] {7, 2}), Long.MAX_VALUE);
      assertEquals(1, views.targets().size());
      assertArrayEquals(new int[] {2, 7}, views.targets().get(0).channels());
      assertEquals("featureChannels: 'linear_1' is not a 2-D convolution that can be walked back to the input (only"
          + " convolutions, ReLUs, max-pools and dropout before it); those of this network: [conv2d_1, conv2d_2]",
          assertThrows(IllegalArgumentException.class,
              () -> FeatureViews.of(network, 8, Map.of("linear_1", new int[] {0}), 10)).getMessage());
      assertEquals("featureChannels: conv2d_1 has channels 0..3, each at most once; was given [4]",
          assertThrows(IllegalArgumentException.class,
              () -> FeatureViews.of(network, 8, Map.of("conv2d_1", new int[] {4}), 10)).getMessage());
    }
  }

  @Test
  void aConvolutionAfterAnUnsupportedStep_isNotViewed() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build())
          .add(Activation.tanhBlock())
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build())
          .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(3).build());
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
      FeatureViews views = FeatureViews.of(Network.of(net), 8, null, 10);
      assertEquals(List.of("conv2d_1"), views.targets().stream().map(t -> t.layer().name).toList(),
          "a tanh has no deconvnet rule here: conv2d_2 is out of reach");
    }
  }

  private static int nonZero(float[] v) {
    int n = 0;
    for (float x : v) {
      n += x != 0 ? 1 : 0;
    }
    return n;
  }
}
