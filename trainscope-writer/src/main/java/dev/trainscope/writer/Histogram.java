package dev.trainscope.writer;

import java.util.Arrays;

/**
 * A histogram as TensorBoard's histograms plugin stores it: buckets {@code [left, right, count]}
 * in ascending order. Immutable; checked when built.
 *
 * <p>{@link #of(double[])} buckets raw values the way TensorFlow 2's {@code tf.summary.histogram}
 * does ({@code tensorboard/plugins/histogram/summary_v2.py}, {@code _buckets}): {@value
 * #DEFAULT_BUCKET_COUNT} equal-width buckets over {@code [min, max]}, value {@code x} in bucket
 * {@code min(floor((x - min) / width), k - 1)}, edges {@code min + i * width} with the last edge
 * exactly {@code max}; when all values are equal to {@code v}, {@code k} buckets {@code [v, v]}
 * whose counts are 0 except the last, which holds them all.
 *
 * <p>NaN and infinities have no bucket: they are left out of the counts, so the counts add up to
 * the number of finite values (TensorFlow turns them into NaN edges). When no value is finite the
 * histogram has {@code k} empty buckets {@code [0, 0, 0]}, TensorFlow's histogram of no data.
 */
public final class Histogram {
  /** TensorFlow's and TensorBoard's default bucket count. */
  public static final int DEFAULT_BUCKET_COUNT = 30;

  private final double[] left;
  private final double[] right;
  private final double[] count;

  private Histogram(double[] left, double[] right, double[] count) {
    this.left = left;
    this.right = right;
    this.count = count;
  }

  /** Buckets the values into {@value #DEFAULT_BUCKET_COUNT} buckets, as TensorFlow 2 does. */
  public static Histogram of(double[] values) {
    return of(values, DEFAULT_BUCKET_COUNT);
  }

  /** Buckets the values into {@value #DEFAULT_BUCKET_COUNT} buckets, as TensorFlow 2 does. */
  public static Histogram of(float[] values) {
    return of(values, DEFAULT_BUCKET_COUNT);
  }

  public static Histogram of(double[] values, int bucketCount) {
    Require.nonEmpty(values, "values");
    return bucket(Values.of(values), Require.inRange(bucketCount, 1, 1 << 20, "bucketCount"));
  }

  public static Histogram of(float[] values, int bucketCount) {
    Require.nonEmpty(values, "values");
    return bucket(Values.of(values), Require.inRange(bucketCount, 1, 1 << 20, "bucketCount"));
  }

  /** Read access to double[] and float[] alike, so the bucketing exists once. */
  private interface Values {
    int size();

    double get(int i);

    static Values of(double[] a) {
      return new Values() {
        @Override
        public int size() {
          return a.length;
        }

        @Override
        public double get(int i) {
          return a[i];
        }
      };
    }

    static Values of(float[] a) {
      return new Values() {
        @Override
        public int size() {
          return a.length;
        }

        @Override
        public double get(int i) {
          return a[i];
        }
      };
    }
  }

  private static Histogram bucket(Values v, int k) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = v.size();
    for (int i = 0; i < n; i++) {
      double x = v.get(i);
      if (x < min) {
        min = x;
      }
      if (x > max) {
        max = x;
      }
    }
    // The comparisons above skip NaN; infinities still have to go.
    if (Double.isInfinite(min) || Double.isInfinite(max)) {
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        double x = v.get(i);
        if (Double.isFinite(x)) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
    }
    double[] l = new double[k];
    double[] r = new double[k];
    double[] c = new double[k];
    if (min > max) {
      return new Histogram(l, r, c); // nothing finite: TensorFlow's empty histogram
    }
    if (min == max) {
      Arrays.fill(l, max);
      Arrays.fill(r, max);
      c[k - 1] = countFinite(v);
      return new Histogram(l, r, c);
    }
    double range = max - min;
    // max - min overflows when the values span more than the double range; the halves do not.
    double width = Double.isInfinite(range) ? (max / k - min / k) : range / k;
    for (int i = 0; i < n; i++) {
      double x = v.get(i);
      if (Double.isFinite(x)) {
        int b = (int) Math.floor((x - min) / width);
        c[Math.min(b, k - 1)]++;
      }
    }
    for (int i = 0; i < k; i++) {
      l[i] = min + i * width;
      r[i] = i == k - 1 ? max : min + (i + 1) * width;
    }
    return new Histogram(l, r, c);
  }

  private static double countFinite(Values v) {
    double n = 0;
    for (int i = 0; i < v.size(); i++) {
      if (Double.isFinite(v.get(i))) {
        n++;
      }
    }
    return n;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects buckets in ascending order. */
  public static final class Builder {
    private double[] rows = new double[3 * 16];
    private int size;

    private Builder() {}

    /**
     * Adds the next bucket: finite edges with {@code left <= right}, not starting before the
     * previous bucket's right edge, and a finite count {@code >= 0}.
     */
    public Builder bucket(double left, double right, double count) {
      Require.finite(left, "left of bucket " + size);
      Require.finite(right, "right of bucket " + size);
      if (left > right) {
        throw new IllegalArgumentException("bucket " + size + ": left " + left + " must be <= right " + right);
      }
      if (!(count >= 0) || Double.isInfinite(count)) {
        throw new IllegalArgumentException("count of bucket " + size + " must be finite and >= 0, was " + count);
      }
      if (size > 0 && left < rows[3 * size - 2]) {
        throw new IllegalArgumentException("bucket " + size + ": left " + left
            + " must be >= the right edge of bucket " + (size - 1) + ", " + rows[3 * size - 2]);
      }
      if (3 * size == rows.length) {
        rows = Arrays.copyOf(rows, rows.length * 2);
      }
      rows[3 * size] = left;
      rows[3 * size + 1] = right;
      rows[3 * size + 2] = count;
      size++;
      return this;
    }

    public Histogram build() {
      if (size == 0) {
        throw new IllegalArgumentException("a histogram needs at least one bucket, was given 0");
      }
      double[] l = new double[size];
      double[] r = new double[size];
      double[] c = new double[size];
      for (int i = 0; i < size; i++) {
        l[i] = rows[3 * i];
        r[i] = rows[3 * i + 1];
        c[i] = rows[3 * i + 2];
      }
      return new Histogram(l, r, c);
    }
  }

  /** The number of buckets. */
  public int size() {
    return count.length;
  }

  public double left(int bucket) {
    return left[bucket];
  }

  public double right(int bucket) {
    return right[bucket];
  }

  public double count(int bucket) {
    return count[bucket];
  }

  /** The sum of the counts. */
  public double totalCount() {
    double s = 0;
    for (double c : count) {
      s += c;
    }
    return s;
  }

  /** The buckets as rows {@code [left, right, count]}, row after row: the plugin's [k, 3] tensor. */
  double[] toRows() {
    double[] out = new double[3 * count.length];
    for (int i = 0; i < count.length; i++) {
      out[3 * i] = left[i];
      out[3 * i + 1] = right[i];
      out[3 * i + 2] = count[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && Arrays.equals(left, h.left) && Arrays.equals(right, h.right)
        && Arrays.equals(count, h.count);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(left) * 31 + Arrays.hashCode(right)) * 31 + Arrays.hashCode(count);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Histogram[");
    for (int i = 0; i < count.length; i++) {
      sb.append(i == 0 ? "" : ", ").append('[').append(left[i]).append(", ").append(right[i]).append(", ")
          .append(count[i]).append(']');
    }
    return sb.append(']').toString();
  }
}
