package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small CNN trained for one short epoch (10 steps of 64 digits), validated on 1,200 digits:
 * the listener embeds the first 500 of them (its default) by the penultimate layer (the flattened output of the
 * second convolution block, 400 numbers) when training ends, with their labels and pictures;
 * checked against the network's children but the last run directly on those digits after the epoch.
 */
class EmbeddingListenerTest {
  static final int VAL = 1200;
  static final int EMBEDDED = TrainscopeListener.DEFAULT_EMBEDDING_SAMPLES;
  /** The sprite's grid: ceil(sqrt(500)) = 23 cells a side. */
  static final int SIDE = (int) Math.ceil(Math.sqrt(EMBEDDED));
  static final long STEPS = 10;

  @TempDir
  Path dir;

  @Test
  void theValidationDigits_byThePenultimateLayer_withTheirLabels_clusterByDigit() throws Exception {
    SequentialBlock net = Fixture.smallCnn();
    float[][] direct = new float[1][];
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset trainSet = Fixture.dataset(manager, 0, 640, true, 64, true);
      ArrayDataset valSet = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + VAL, true, 100, false);
      // After the one epoch, as the listener at the end: the digits through all of the net's children but the last.
      TrainingListenerAdapter penultimate = new TrainingListenerAdapter() {
        @Override
        public void onEpoch(Trainer trainer) {
          try (NDManager scope = manager.newSubManager()) {
            NDList x = new NDList(Fixture.images(scope, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + EMBEDDED, true));
            ParameterStore store = new ParameterStore(scope, false);
            for (int i = 0; i < net.getChildren().size() - 1; i++) {
              x = net.getChildren().get(i).getValue().forward(store, x, false);
            }
            direct[0] = x.head().toFloatArray();
          }
        }
      };
      TrainscopeListener listener = TrainscopeListener.builder(dir).learningRate(Fixture.LR)
          .inputNormalization(Denormalize.meanStd(new float[] {Mnist.MEAN}, new float[] {Mnist.STD})).build();
      Fixture.train(net, 3, 1, trainSet, valSet, new Shape(64, 1, 28, 28), model -> List.of(listener, penultimate));
      System.out.printf("the embedding took %.3f s of the listener's %s%n", listener.probeSeconds().get("embedding"),
          listener.probeSeconds());
    }
    Path folder = dir.resolve(String.format("%05d", STEPS)).resolve(TagNames.EMBEDDING);
    String config = Files.readString(dir.resolve("projector_config.pbtxt"));
    assertTrue(config.contains("tensor_name: \"penultimate:000" + STEPS + "\""), config);
    assertTrue(config.contains("metadata_path: \"000" + STEPS + "/penultimate/metadata.tsv\""), config);
    assertTrue(config.contains("single_image_dim: 28"), config);

    List<String> rows = Files.readAllLines(folder.resolve("tensors.tsv"));
    assertEquals(EMBEDDED, rows.size(), "one row per embedded digit");
    float[][] v = new float[EMBEDDED][];
    for (int i = 0; i < EMBEDDED; i++) {
      String[] cells = rows.get(i).split("\t");
      assertEquals(16 * 5 * 5, cells.length, "the flattened output of the second convolution block");
      v[i] = new float[cells.length];
      for (int j = 0; j < cells.length; j++) {
        v[i][j] = Float.parseFloat(cells[j]);
        float want = direct[0][i * cells.length + j];
        assertEquals(want, v[i][j], 1e-4 * Math.abs(want) + 1e-5, "digit " + i + ", unit " + j);
      }
    }
    List<String> labels = Files.readAllLines(folder.resolve("metadata.tsv"));
    assertEquals(EMBEDDED, labels.size());
    for (int i = 0; i < EMBEDDED; i++) {
      assertEquals(Integer.toString(Fixture.MNIST.label(Mnist.TRAIN_COUNT + i)), labels.get(i), "digit " + i);
    }

    // The sprite: the digits in order, in a 23 x 23 grid of 28 x 28 cells, the normalisation undone.
    BufferedImage sprite = ImageIO.read(folder.resolve("sprite.png").toFile());
    assertEquals(SIDE * 28, sprite.getWidth());
    for (int i : new int[] {0, 1, 317, EMBEDDED - 1}) {
      for (int y = 0; y < 28; y += 3) {
        for (int x = 0; x < 28; x += 3) {
          int grey = sprite.getRGB((i % SIDE) * 28 + x, (i / SIDE) * 28 + y) & 0xFF;
          int raw = Fixture.MNIST.pixel(Mnist.TRAIN_COUNT + i, y, x);
          assertTrue(Math.abs(grey - raw) <= 1, "digit " + i + " (" + y + ", " + x + "): " + grey + " vs " + raw);
        }
      }
    }

    // Each digit's 5 nearest others (Euclidean) mostly share its label: chance is about 0.1.
    double accuracy = knnAccuracy(v, labels, 5);
    System.out.printf("5-NN label accuracy of the penultimate embedding: %.3f%n", accuracy);
    assertTrue(accuracy > KNN_BOUND, "5-NN accuracy " + accuracy);
  }

  /** Measured at 0.887 on this training (seed 3); chance is about 0.1. */
  static final double KNN_BOUND = 0.7;

  /** The fraction of points whose k nearest others' majority label is theirs (ties to the nearest). */
  static double knnAccuracy(float[][] v, List<String> labels, int k) {
    int right = 0;
    for (int i = 0; i < v.length; i++) {
      int[] nearest = new int[k];
      double[] dist = new double[k];
      java.util.Arrays.fill(dist, Double.MAX_VALUE);
      for (int j = 0; j < v.length; j++) {
        if (j == i) {
          continue;
        }
        double d = 0;
        for (int t = 0; t < v[i].length; t++) {
          double e = v[i][t] - v[j][t];
          d += e * e;
        }
        int at = k;
        while (at > 0 && d < dist[at - 1]) {
          at--;
        }
        if (at < k) {
          System.arraycopy(dist, at, dist, at + 1, k - at - 1);
          System.arraycopy(nearest, at, nearest, at + 1, k - at - 1);
          dist[at] = d;
          nearest[at] = j;
        }
      }
      java.util.Map<String, Integer> votes = new java.util.HashMap<>();
      String best = null;
      for (int n : nearest) {
        int c = votes.merge(labels.get(n), 1, Integer::sum);
        if (best == null || c > votes.get(best)) {
          best = labels.get(n);
        }
      }
      if (best.equals(labels.get(i))) {
        right++;
      }
    }
    return (double) right / v.length;
  }

  /** A subclass of SequentialBlock: the listener sees it as one opaque block (it may forward its own way). */
  static final class Wrapped extends SequentialBlock {}

  @Test
  void aNetworkThatIsNotASequentialBlock_trainsOn_withoutAnEmbedding_andSaysWhy() throws Exception {
    SequentialBlock opaque = new Wrapped();
    opaque.add(Fixture.smallCnn());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream was = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset trainSet = Fixture.dataset(manager, 0, 128, true, 64, true);
      ArrayDataset valSet = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 100, true, 100, false);
      Fixture.train(opaque, 3, 1, trainSet, valSet, new Shape(64, 1, 28, 28),
          model -> List.of(TrainscopeListener.builder(dir).build()));
    } finally {
      System.setErr(was);
    }
    assertFalse(Files.exists(dir.resolve("projector_config.pbtxt")));
    assertTrue(Logs.read(dir).byTag.containsKey(TagNames.VAL_LOSS), "the rest is logged");
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("trainscope: no embedding of the validation samples: the network is a Wrapped, not a"
        + " SequentialBlock"), said);
  }
}
