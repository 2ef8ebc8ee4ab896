package dev.trainscope.data.projector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The first digits of ../shared/data/mnist-10k, as 0..1 floats with their labels. */
final class Mnist {
  final int n;
  final float[] pixels;
  final int[] labels;

  private Mnist(int n, float[] pixels, int[] labels) {
    this.n = n;
    this.pixels = pixels;
    this.labels = labels;
  }

  static Mnist first(int n) throws IOException {
    Path dir = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/mnist-10k");
    // no skipping: this is the labelled set the projections are judged on
    assertTrue(Files.isDirectory(dir), "the MNIST digits are needed at " + dir.toAbsolutePath()
        + " (CI has ../shared beside the checkout; -Dtrainscope.shared=DIR points elsewhere)");
    float[] pixels = new float[n * 784];
    int[] labels = new int[n];
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(dir.resolve("images-idx3-ubyte.gz"))))) {
      in.readInt();
      in.readInt();
      in.readInt();
      in.readInt();
      byte[] b = new byte[n * 784];
      in.readFully(b);
      for (int i = 0; i < b.length; i++) {
        pixels[i] = (b[i] & 0xFF) / 255f;
      }
    }
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(dir.resolve("labels-idx1-ubyte.gz"))))) {
      in.readInt();
      in.readInt();
      for (int i = 0; i < n; i++) {
        labels[i] = in.readUnsignedByte();
      }
    }
    return new Mnist(n, pixels, labels);
  }

  /** Leave-one-out accuracy of a k-nearest-neighbour vote among the points (dims numbers each). */
  static double knnAccuracy(float[] points, int n, int dims, int[] labels, int k) {
    int right = 0;
    for (int i = 0; i < n; i++) {
      TopK best = new TopK(k);
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        double s = 0;
        for (int a = 0; a < dims; a++) {
          double diff = points[i * dims + a] - points[j * dims + a];
          s += diff * diff;
        }
        best.offer(j, s);
      }
      int[] votes = new int[10];
      for (int p = 0; p < k; p++) {
        votes[labels[best.index[p]]]++;
      }
      int vote = 0;
      for (int c = 1; c < 10; c++) {
        if (votes[c] > votes[vote]) {
          vote = c;
        }
      }
      if (vote == labels[i]) {
        right++;
      }
    }
    return (double) right / n;
  }
}
