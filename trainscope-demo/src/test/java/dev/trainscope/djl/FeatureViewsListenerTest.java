package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.trainscope.writer.Denormalize;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's CNN trained for one short epoch (10 steps) with the listener at its defaults,
 * validated on 300 digits in 3 batches: the feature views' tags, pictures and rankings, checked
 * against the network's convolutions run directly on the validation digits at the end of the epoch.
 */
class FeatureViewsListenerTest {
  static final int VAL = 300;
  static final long STEPS = 10;
  /** A 3 x 3 grid of 28 x 28 pictures with 2 pixels of padding. */
  static final int GRID = 3 * (28 + 2) + 2;
  static final Pattern ROW = Pattern.compile("\\| (\\d+) \\| (\\d+) \\| (\\d+) \\| ([-+.0-9eE]+) \\| \\((\\d+), (\\d+)\\) \\|");

  @TempDir
  static Path dir;
  static NDManager manager;
  static Logs logs;
  /** The outputs of conv2d_1 ([300, 16, 28, 28]) and conv2d_2 ([300, 32, 14, 14]) after the epoch. */
  static float[][] conv = new float[2][];

  @BeforeAll
  static void train() throws Exception {
    manager = NDManager.newBaseManager();
    ArrayDataset trainSet = Fixture.dataset(manager, 0, 640, true, 64, true);
    ArrayDataset valSet = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + VAL, true, 100, false);
    SequentialBlock net = Demo.cnn(0.25f, 0f);
    TrainingListenerAdapter direct = new TrainingListenerAdapter() {
      @Override
      public void onEpoch(Trainer trainer) {
        try (NDManager scope = manager.newSubManager()) {
          NDList x = new NDList(Fixture.images(scope, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + VAL, true));
          ParameterStore store = new ParameterStore(scope, false);
          for (int i = 0; i < 4; i++) {
            x = net.getChildren().get(i).getValue().forward(store, x, false);
            if (i == 0 || i == 3) {
              conv[i == 0 ? 0 : 1] = x.head().toFloatArray();
            }
          }
        }
      }
    };
    Fixture.train(net, 5, 1, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
        TrainscopeListener.builder(dir).learningRate(Fixture.LR)
            .inputNormalization(Denormalize.meanStd(new float[] {Mnist.MEAN}, new float[] {Mnist.STD})).build(),
        direct));
    logs = Logs.read(dir);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** One row of a ranking. */
  record Row(int rank, int index, int label, double activation, int y, int x) {}

  static List<Row> rows(String markdown) {
    List<Row> out = new ArrayList<>();
    for (String line : markdown.lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        out.add(new Row(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
            Double.parseDouble(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))));
      }
    }
    return out;
  }

  @Test
  void theDocumentedTags_forTheFirst8ChannelsOfEachConvolution_afterTheValidationPass() {
    Set<String> features = logs.byTag.keySet().stream().filter(t -> t.startsWith("features/"))
        .collect(Collectors.toSet());
    assertEquals(2 * 8 * 4, features.size(), features.toString());
    for (String layer : List.of("conv2d_1", "conv2d_2")) {
      for (int ch = 0; ch < 8; ch++) {
        String base = "features/" + layer + "/" + ch + "/";
        for (String kind : List.of("top9", "deconv", "guided")) {
          TreeMap<Long, BufferedImage> img = logs.images(base + kind);
          assertEquals(List.of(STEPS), new ArrayList<>(img.keySet()), base + kind + ": once, after the one pass");
          assertEquals(GRID, img.get(STEPS).getWidth(), base + kind);
          assertEquals(GRID, img.get(STEPS).getHeight(), base + kind);
        }
        assertEquals(List.of(STEPS), new ArrayList<>(logs.texts(base + "ranking").keySet()));
        assertEquals("role: feature_top9, split: val, layer: " + layer + ", channel: " + ch,
            logs.machineLine(base + "top9"));
        assertEquals("role: feature_deconv, split: val, layer: " + layer + ", channel: " + ch,
            logs.machineLine(base + "deconv"));
        assertEquals("role: feature_guided, split: val, layer: " + layer + ", channel: " + ch,
            logs.machineLine(base + "guided"));
        assertEquals("role: feature_ranking, split: val, layer: " + layer + ", channel: " + ch,
            logs.machineLine(base + "ranking"));
      }
    }
    assertEquals("top 9 conv2d_2/5", logs.metadata.get("features/conv2d_2/5/top9").displayName());
    assertEquals("guided backprop conv2d_1/0", logs.metadata.get("features/conv2d_1/0/guided").displayName());
    assertEquals(TagNames.featureRanking("conv2d_1", 7), "features/conv2d_1/7/ranking");
  }

  @Test
  void rankings_areTheNetworksOwnTopNine_nonIncreasing_withTheDigitsLabels() {
    int[] channels = {16, 32};
    int[] sides = {28, 14};
    for (int l = 0; l < 2; l++) {
      int plane = sides[l] * sides[l];
      for (int ch = 0; ch < 8; ch++) {
        String tag = TagNames.featureRanking("conv2d_" + (l + 1), ch);
        String md = logs.texts(tag).get(STEPS);
        assertTrue(md.startsWith("**conv2d_" + (l + 1) + ", channel " + ch + "** at step 10: the 9 of 300 validation"
            + " images"), md);
        List<Row> rows = rows(md);
        assertEquals(9, rows.size(), md);
        // directly: each digit's maximum in the channel and where it is, sorted
        float[] max = new float[VAL];
        int[] at = new int[VAL];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < VAL; i++) {
          int base = (i * channels[l] + ch) * plane;
          for (int p = 1; p < plane; p++) {
            if (conv[l][base + p] > conv[l][base + at[i]]) {
              at[i] = p;
            }
          }
          max[i] = conv[l][base + at[i]];
          order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -max[i]).thenComparing(i -> i));
        for (int r = 0; r < 9; r++) {
          Row row = rows.get(r);
          int i = order.get(r);
          assertEquals(r + 1, row.rank());
          assertEquals(i, row.index(), tag + " rank " + (r + 1));
          assertEquals(Fixture.MNIST.label(Mnist.TRAIN_COUNT + i), row.label(), tag);
          assertEquals(max[i], row.activation(), 1e-4 * Math.abs(max[i]) + 1e-6, tag);
          assertEquals(at[i] / sides[l], row.y(), tag);
          assertEquals(at[i] % sides[l], row.x(), tag);
          if (r > 0) {
            assertTrue(row.activation() <= rows.get(r - 1).activation(), tag + " non-increasing: " + md);
          }
        }
      }
    }
  }

  @Test
  void topNine_showTheRankedDigits_inRankOrder_withTheNormalisationUndone() {
    for (String tag : List.of("features/conv2d_1/3", "features/conv2d_2/6")) {
      BufferedImage grid = logs.images(tag + "/top9").get(STEPS);
      List<Row> rows = rows(logs.texts(tag + "/ranking").get(STEPS));
      for (int r = 0; r < 9; r++) {
        int left = 2 + (r % 3) * 30;
        int top = 2 + (r / 3) * 30;
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            int grey = grid.getRGB(left + x, top + y) & 0xFF;
            int raw = Fixture.MNIST.pixel(Mnist.TRAIN_COUNT + rows.get(r).index(), y, x);
            assertTrue(Math.abs(grey - raw) <= 1, tag + " rank " + (r + 1) + " (" + y + ", " + x + "): " + grey + " vs "
                + raw);
          }
        }
      }
    }
  }

  @Test
  void reconstructions_ofTheFirstConvolution_areMidGreyAwayFromTheFiltersReach_andGuidedEqualsDeconvnet() {
    for (int ch = 0; ch < 8; ch++) {
      String base = "features/conv2d_1/" + ch;
      BufferedImage deconv = logs.images(base + "/deconv").get(STEPS);
      BufferedImage guided = logs.images(base + "/guided").get(STEPS);
      List<Row> rows = rows(logs.texts(base + "/ranking").get(STEPS));
      for (int r = 0; r < 9; r++) {
        int left = 2 + (r % 3) * 30;
        int top = 2 + (r / 3) * 30;
        Row row = rows.get(r);
        int off128 = 0;
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            int d = deconv.getRGB(left + x, top + y) & 0xFF;
            // 5 x 5 filters, padding 2: the maximum at (y, x) reads pixels y-2..y+2, x-2..x+2 and nothing else
            boolean reach = Math.abs(y - row.y()) <= 2 && Math.abs(x - row.x()) <= 2;
            if (!reach) {
              assertEquals(128, d, base + " rank " + (r + 1) + " outside the filter's reach (" + y + ", " + x + ")");
            }
            off128 += d != 128 ? 1 : 0;
            assertEquals(d, guided.getRGB(left + x, top + y) & 0xFF, "no ReLU below conv2d_1: guided is the deconvnet");
          }
        }
        if (row.activation() > 0) {
          assertTrue(off128 > 0, base + " rank " + (r + 1) + ": the filter drawn at the maximum");
        }
      }
    }
    // below conv2d_2 a ReLU lies, where the two methods part
    boolean differ = false;
    for (int ch = 0; ch < 8 && !differ; ch++) {
      BufferedImage d = logs.images("features/conv2d_2/" + ch + "/deconv").get(STEPS);
      BufferedImage g = logs.images("features/conv2d_2/" + ch + "/guided").get(STEPS);
      for (int y = 0; y < GRID && !differ; y++) {
        for (int x = 0; x < GRID && !differ; x++) {
          differ = d.getRGB(x, y) != g.getRGB(x, y);
        }
      }
    }
    assertTrue(differ, "guided back-propagation differs from the deconvnet somewhere below conv2d_2");
  }

  @Test
  void theTimeBudget_decidesWhichValidationPassesAreWatched(@TempDir Path other) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      ArrayDataset trainSet = Fixture.dataset(m, 0, 128, true, 64, true);
      ArrayDataset valSet = Fixture.dataset(m, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 40, true, 40, false);
      Path every = Files.createDirectory(other.resolve("every"));
      Fixture.train(Fixture.smallCnn(), 1, 3, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
          TrainscopeListener.builder(every).featureChannels("conv2d_1", 0).featureViewsBudget(1).build()));
      assertEquals(List.of(2L, 4L, 6L), new ArrayList<>(Logs.read(every).images("features/conv2d_1/0/top9").keySet()),
          "a budget of 1 watches every pass");
      Path tight = Files.createDirectory(other.resolve("tight"));
      Fixture.train(Fixture.smallCnn(), 1, 3, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
          TrainscopeListener.builder(tight).featureChannels("conv2d_1", 0).featureViewsBudget(1e-9).build()));
      assertEquals(List.of(2L), new ArrayList<>(Logs.read(tight).images("features/conv2d_1/0/top9").keySet()),
          "a budget too small for a second pass still watches the first");
    }
    TrainscopeListener.Builder b = TrainscopeListener.builder(other);
    assertEquals("featureViewsBudget must be in (0, 1], was 0.0",
        assertThrows(IllegalArgumentException.class, () -> b.featureViewsBudget(0)).getMessage());
    assertEquals("featureViewsBudget must be in (0, 1], was NaN",
        assertThrows(IllegalArgumentException.class, () -> b.featureViewsBudget(Double.NaN)).getMessage());
    assertEquals("featureViewsBudget must be in (0, 1], was 1.5",
        assertThrows(IllegalArgumentException.class, () -> b.featureViewsBudget(1.5)).getMessage());
  }

  @Test
  void chosenChannels_andSamples_orNone(@TempDir Path other) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      ArrayDataset trainSet = Fixture.dataset(m, 0, 128, true, 64, true);
      ArrayDataset valSet = Fixture.dataset(m, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 100, true, 40, false);
      Path chosen = Files.createDirectory(other.resolve("chosen"));
      Fixture.train(Fixture.smallCnn(), 1, 1, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
          TrainscopeListener.builder(chosen).featureChannels("conv2d_2", 5, 1).featureSamples(50).build()));
      Logs l = Logs.read(chosen);
      assertEquals(Set.of("features/conv2d_2/1/top9", "features/conv2d_2/1/deconv", "features/conv2d_2/1/guided",
          "features/conv2d_2/1/ranking", "features/conv2d_2/5/top9", "features/conv2d_2/5/deconv",
          "features/conv2d_2/5/guided", "features/conv2d_2/5/ranking"),
          l.byTag.keySet().stream().filter(t -> t.startsWith("features/")).collect(Collectors.toSet()));
      String md = l.texts("features/conv2d_2/5/ranking").get(2L);
      assertTrue(md.contains("the 9 of 50 validation images"), md);
      for (Row row : rows(md)) {
        assertTrue(row.index() < 50, "only the first 50 of each pass: " + md);
      }

      Path none = Files.createDirectory(other.resolve("none"));
      Fixture.train(Fixture.smallCnn(), 1, 1, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
          TrainscopeListener.builder(none).skip(Logged.FEATURE_VIEWS).build()));
      assertFalse(Logs.read(none).byTag.keySet().stream().anyMatch(t -> t.startsWith("features/")));

      Path bad = Files.createDirectory(other.resolve("bad"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixture.train(
          Fixture.smallCnn(), 1, 1, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(
              TrainscopeListener.builder(bad).featureChannels("conv2d_3", 0).build())));
      assertTrue(e.getMessage().startsWith("featureChannels: 'conv2d_3' is not a 2-D convolution"), e.getMessage());
    }
  }

  @Test
  void builder_refusesBadFeatureSettings() {
    TrainscopeListener.Builder b = TrainscopeListener.builder(dir.resolve("unused"));
    assertEquals("featureChannels must be in [1, 4096], was 0",
        assertThrows(IllegalArgumentException.class, () -> b.featureChannels(0)).getMessage());
    assertEquals("channels of conv2d_1 must not be empty, was []",
        assertThrows(IllegalArgumentException.class, () -> b.featureChannels("conv2d_1")).getMessage());
    assertEquals("channels of conv2d_1 must be >= 0, was -1",
        assertThrows(IllegalArgumentException.class, () -> b.featureChannels("conv2d_1", 2, -1)).getMessage());
    assertEquals("featureSamples must be > 0, was 0",
        assertThrows(IllegalArgumentException.class, () -> b.featureSamples(0)).getMessage());
  }
}
