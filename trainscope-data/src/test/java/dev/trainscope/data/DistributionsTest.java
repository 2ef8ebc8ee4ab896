package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Distributions#compress} against values worked out by hand for small bucket sets, and
 * against a line-by-line transcription of TensorBoard's {@code compress_histogram}
 * (tensorboard/plugins/distribution/compressor.py) over random and real histograms.
 */
class DistributionsTest {

  /**
   * TensorBoard's compressor, as its Python reads: weights are {@code (counts * 10000 / total)
   * .cumsum()}; for each basis point, {@code searchsorted(weights, bp, side="right")}, skipping
   * buckets that add no weight; lerp between the previous right edge (the minimum when there is no
   * previous weight) and this right edge; the maximum for basis points past the last weight. The
   * total is summed in order (numpy sums pairwise, which differs in the last bit only for
   * fractional counts over more than eight buckets).
   */
  static double[] tensorBoard(double[] left, double[] right, double[] counts) {
    int[] bps = {0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000};
    double[] out = new double[bps.length];
    int k = counts.length;
    if (k == 0) {
      return out;
    }
    double minmin = left[0];
    double maxmax = right[k - 1];
    double sum = 0;
    for (double c : counts) {
      sum += c;
    }
    double total = sum == 0 ? 1.0 : sum;
    double[] weights = new double[k];
    double acc = 0;
    for (int i = 0; i < k; i++) {
      acc += counts[i] * bps[bps.length - 1] / total;
      weights[i] = acc;
    }
    int b = 0;
    while (b < bps.length) {
      int i = 0;
      while (i < k && weights[i] <= bps[b]) {
        i++;
      }
      boolean found = false;
      while (i < k) {
        double cumsum = weights[i];
        double prev = i > 0 ? weights[i - 1] : 0.0;
        if (cumsum == prev) {
          i++;
          continue;
        }
        double lhs = (i == 0 || prev == 0) ? minmin : Math.max(right[i - 1], minmin);
        double rhs = Math.min(right[i], maxmax);
        out[b] = lhs + (bps[b] - prev) * (rhs - lhs) / (cumsum - prev);
        b++;
        found = true;
        break;
      }
      if (!found) {
        break;
      }
    }
    for (; b < bps.length; b++) {
      out[b] = maxmax;
    }
    return out;
  }

  static double[] compress(double[][] buckets) {
    return Distributions.compress(buckets[0], buckets[1], buckets[2]);
  }

  @Test
  void compress_fourUniformBuckets_medianIsTheMiddleAndEndsAreMinAndMax() {
    double[] d = Distributions.compress(new double[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4}, new double[] {1, 1, 1, 1});
    // weights 2500, 5000, 7500, 10000; e.g. 3085 bp lies 585/2500 into the second bucket
    assertArrayEquals(new double[] {0, 0.2672, 0.6348, 1.234, 2.0, 2.766, 3.3652, 3.7328, 4.0}, d, 1e-12);
    assertEquals(2.0, d[4], "the 50% basis point of symmetric buckets is exactly the middle");
  }

  @Test
  void compress_manyUniformBuckets_symmetricAroundTheMiddle() {
    int k = 10;
    double[] l = new double[k];
    double[] r = new double[k];
    double[] c = new double[k];
    for (int i = 0; i < k; i++) {
      l[i] = i - 5;
      r[i] = i - 4;
      c[i] = 7;
    }
    double[] d = Distributions.compress(l, r, c);
    assertEquals(0.0, d[4], 1e-12, "median of buckets symmetric around 0");
    for (int j = 0; j < 9; j++) {
      assertEquals(-d[8 - j], d[j], 1e-9, "basis points " + j + " and " + (8 - j) + " mirror each other");
    }
    assertEquals(-5.0, d[0]);
    assertEquals(5.0, d[8]);
  }

  @Test
  void compress_oneBucketOfOneValue_isThatValueEverywhere() {
    double[] d = Distributions.compress(new double[] {3}, new double[] {3}, new double[] {100});
    assertArrayEquals(new double[] {3, 3, 3, 3, 3, 3, 3, 3, 3}, d);
  }

  @Test
  void compress_noBuckets_isZeros() {
    assertArrayEquals(new double[9], Distributions.compress(new double[0], new double[0], new double[0]));
  }

  @Test
  void compress_allCountsZero_isTheMaximum() {
    double[] d = Distributions.compress(new double[] {0, 1}, new double[] {1, 2}, new double[] {0, 0});
    assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2}, d);
  }

  @Test
  void compress_emptyMiddleBucket_isSkippedAsTensorBoardDoes() {
    double[] d = Distributions.compress(new double[] {0, 1, 2}, new double[] {1, 2, 3}, new double[] {5, 0, 5});
    // weights 5000, 5000, 10000: the 50% point passes the first bucket and the empty one; it lies at
    // the start of the third bucket, 2.0 (TensorBoard does not put it at 1.0)
    assertEquals(2.0, d[4]);
    assertEquals(3085 / 5000.0, d[3], 1e-12);
    assertEquals(2 + (6915 - 5000) / 5000.0, d[5], 1e-12);
  }

  @Test
  void compress_leadingEmptyBucket_lerpsFromTheMinimum() {
    double[] d = Distributions.compress(new double[] {0, 1}, new double[] {1, 2}, new double[] {0, 10});
    // the previous weight is 0, so TensorBoard interpolates from the minimum (0), not from 1
    assertEquals(0.0, d[0]);
    assertEquals(1.0, d[4]);
    assertEquals(2.0, d[8]);
  }

  @Test
  void compress_randomBuckets_equalTensorBoardsArithmeticExactly() {
    Random random = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int k = 1 + random.nextInt(trial % 10 == 0 ? 700 : 12);
      double[] l = new double[k];
      double[] r = new double[k];
      double[] c = new double[k];
      double edge = random.nextGaussian() * 10;
      for (int i = 0; i < k; i++) {
        l[i] = edge;
        edge += random.nextInt(4) == 0 ? 0 : random.nextDouble() * 3;
        r[i] = edge;
        c[i] = random.nextInt(5) == 0 ? 0 : (random.nextBoolean() ? random.nextInt(50) : random.nextDouble() * 10);
      }
      assertArrayEquals(tensorBoard(l, r, c), Distributions.compress(l, r, c), "trial " + trial + ", " + k + " buckets");
    }
  }

  @Test
  void distributions_realHistograms_equalTensorBoardsCompressorExactly() throws Exception {
    Path fixtures = RunViewTest.repoTfevents();
    int checked = 0;
    for (String source : new String[] {"gen-tensorboardX/histograms", "tf1-MorvanZhou-tutorials/tensorflowTUT/tf15_tensorboard"}) {
      try (RunStore store = RunStore.builder().logdir(fixtures.resolve(source)).reloadInterval(Duration.ZERO).build()) {
        store.reload();
        for (RunInfo run : store.runs()) {
          for (TagInfo t : store.tags(run.name())) {
            if (t.kind() != TagKind.HISTOGRAM) {
              continue;
            }
            var hs = store.histograms(run.name(), t.tag());
            var ds = store.distributions(run.name(), t.tag());
            assertEquals(hs.size(), ds.size());
            for (int i = 0; i < hs.size(); i++) {
              HistogramStep h = hs.get(i);
              assertEquals(h.step(), ds.get(i).step());
              assertArrayEquals(tensorBoard(h.left(), h.right(), h.count()), ds.get(i).values(),
                  source + " " + t.tag() + " step " + h.step());
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 100, "histograms checked: " + checked);
  }
}
