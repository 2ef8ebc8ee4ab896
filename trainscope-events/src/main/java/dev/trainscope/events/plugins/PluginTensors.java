package dev.trainscope.events.plugins;

import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the tensors of tensor-style summaries hold, plugin by plugin:
 *
 * <ul>
 *   <li>histograms: DT_DOUBLE (or DT_FLOAT) [k, 3], rows {@code [left, right, count]};
 *   <li>images: DT_STRING [2 + n]: width and height as decimal strings, then n encoded images;
 *   <li>pr_curves: DT_FLOAT [6, t]: TP, FP, TN, FN, precision, recall per threshold;
 *   <li>text: DT_STRING of any shape, UTF-8 (Markdown).
 * </ul>
 */
public final class PluginTensors {
  private PluginTensors() {}

  /** Histogram buckets as parallel arrays. */
  public record Buckets(double[] left, double[] right, double[] count) {
    public int size() {
      return count.length;
    }

    public double total() {
      double s = 0;
      for (double c : count) {
        s += c;
      }
      return s;
    }
  }

  public static Buckets histogram(TensorProto t) {
    long[] shape = t.shape().sizes();
    if (t.numElements() == 0) {
      return new Buckets(new double[0], new double[0], new double[0]);
    }
    if (shape.length != 2 || shape[1] != 3) {
      throw new MalformedProtoException("histogram tensor has shape " + t.shape() + ", expected [k, 3]", 0);
    }
    double[] v = t.toDoubleArray();
    int k = v.length / 3;
    double[] l = new double[k], r = new double[k], c = new double[k];
    for (int i = 0; i < k; i++) {
      l[i] = v[3 * i];
      r[i] = v[3 * i + 1];
      c[i] = v[3 * i + 2];
    }
    return new Buckets(l, r, c);
  }

  /**
   * A legacy HistogramProto as buckets, the way TensorBoard migrates it: bucket i spans
   * {@code [limit[i-1], limit[i]]}, with the first bucket starting at {@code min} and the last one
   * ending at {@code max}.
   */
  public static Buckets histogram(HistogramProto h) {
    int k = h.bucket().length;
    double[] l = new double[k], r = new double[k], c = new double[k];
    double[] limits = h.bucketLimit();
    for (int i = 0; i < k; i++) {
      l[i] = i == 0 || limits.length == 0 ? h.min() : limits[Math.min(i - 1, limits.length - 1)];
      r[i] = i == k - 1 ? h.max() : (i < limits.length ? limits[i] : h.max());
      c[i] = h.bucket()[i];
    }
    return new Buckets(l, r, c);
  }

  /** Images of one value: the declared size and the encoded (PNG, JPEG, GIF) bytes. */
  public record Images(int width, int height, List<byte[]> encoded) {}

  public static Images images(TensorProto t) {
    if (t.dataType() != DataType.DT_STRING) {
      throw new MalformedProtoException("image tensor is " + t.dataType() + ", expected DT_STRING", 0);
    }
    List<byte[]> s = t.strings();
    if (s.size() < 2) {
      throw new MalformedProtoException("image tensor holds " + s.size() + " strings, expected width, height, images", 0);
    }
    return new Images(parseDimension(s.get(0), "width"), parseDimension(s.get(1), "height"), s.subList(2, s.size()));
  }

  private static int parseDimension(byte[] b, String what) {
    String s = new String(b, StandardCharsets.US_ASCII).trim();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new MalformedProtoException("image " + what + " is not a number: '" + s + "'", 0);
    }
  }

  /** The six rows of a PR curve, each with one entry per threshold. */
  public record PrCurve(
      double[] truePositives, double[] falsePositives, double[] trueNegatives, double[] falseNegatives,
      double[] precision, double[] recall) {}

  public static PrCurve prCurve(TensorProto t) {
    long[] shape = t.shape().sizes();
    if (t.shape().unknownRank() || shape.length != 2 || shape[0] != 6 || shape[1] < 0
        || shape[1] > TensorProto.MAX_MATERIALIZED_ELEMENTS) {
      throw new MalformedProtoException("pr_curves tensor has shape " + t.shape() + ", expected [6, t]", 0);
    }
    double[] v = t.toDoubleArray();
    int n = (int) shape[1];
    double[][] rows = new double[6][n];
    for (int row = 0; row < 6; row++) {
      System.arraycopy(v, row * n, rows[row], 0, n);
    }
    return new PrCurve(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]);
  }

  /** The strings of a text summary. */
  public static List<String> text(TensorProto t) {
    return t.utf8Strings();
  }
}
