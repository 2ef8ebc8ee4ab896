package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge-likeness score on filters whose answer is known: exact edges score about 1, noise low. */
class FilterEdgesTest {
  /** The 5 x 5 Sobel kernel for a vertical edge: smoothing [1 4 6 4 1] down, derivative [-1 -2 0 2 1] across. */
  static float[] sobel5() {
    int[] smooth = {1, 4, 6, 4, 1};
    int[] diff = {-1, -2, 0, 2, 1};
    float[] w = new float[25];
    for (int v = 0; v < 5; v++) {
      for (int u = 0; u < 5; u++) {
        w[v * 5 + u] = smooth[v] * diff[u];
      }
    }
    return w;
  }

  static float[] transpose(float[] w) {
    float[] t = new float[25];
    for (int v = 0; v < 5; v++) {
      for (int u = 0; u < 5; u++) {
        t[u * 5 + v] = w[v * 5 + u];
      }
    }
    return t;
  }

  @Test
  void bank_40KernelsOf8OrientationsEach_noneConstant() {
    List<FilterEdges.Kernel> bank = FilterEdges.bank(5);
    assertEquals(40, bank.size());
    for (FilterEdges.Kernel k : bank) {
      assertEquals(1.0, Stats.pearson(k.weights(), k.weights()), 1e-9, k.toString());
    }
    // the step at 0° is dark on the left, bright on the right, 0 on the centre column
    float[] step = bank.get(0).weights();
    assertEquals(List.of(-1f, -1f, 0f, 1f, 1f), List.of(step[10], step[11], step[12], step[13], step[14]));
  }

  @Test
  void exactEdges_scoreAbout1_whateverTheirScaleOffsetPolarityOrOrientation() {
    List<FilterEdges.Kernel> bank = FilterEdges.bank(5);
    FilterEdges.Match vertical = FilterEdges.best(sobel5(), bank);
    assertTrue(vertical.score() > 0.95, vertical.toString());
    assertEquals(0.0, vertical.kernel().degrees(), "a vertical edge: the gradient points along x");
    FilterEdges.Match horizontal = FilterEdges.best(transpose(sobel5()), bank);
    assertEquals(vertical.score(), horizontal.score(), 1e-6);
    assertEquals(90.0, horizontal.kernel().degrees());
    float[] flipped = sobel5();
    for (int i = 0; i < 25; i++) {
      flipped[i] = -3 * flipped[i] + 7;
    }
    assertEquals(vertical.score(), FilterEdges.best(flipped, bank).score(), 1e-6, "polarity, scale and offset");

    // a diagonal step edge drawn by hand: +1 above the diagonal, -1 below, 0 on it
    float[] diagonal = new float[25];
    for (int v = 0; v < 5; v++) {
      for (int u = 0; u < 5; u++) {
        diagonal[v * 5 + u] = Math.signum(u - v);
      }
    }
    FilterEdges.Match d = FilterEdges.best(diagonal, bank);
    assertEquals(1.0, d.score(), 1e-6);
    assertEquals("step", d.kernel().kind());
    assertEquals(135.0, d.kernel().degrees());
  }

  @Test
  void gaussianNoise_scoresLow_andExactEdgesBeyondIts99thPercentile() {
    double[] noise = FilterEdges.noise(2000, 5, 42);
    double median = Stats.median(noise);
    double[] sorted = noise.clone();
    Arrays.sort(sorted);
    double p99 = sorted[(int) (0.99 * sorted.length)];
    assertTrue(median > 0.3 && median < 0.6, "noise median " + median);
    assertTrue(p99 < 0.85, "noise 99th percentile " + p99);
    assertTrue(FilterEdges.best(sobel5(), FilterEdges.bank(5)).score() > p99);
  }

  @Test
  void matches_perOutputChannel_meanOverInputChannels() {
    float[] s = sobel5();
    float[] t = transpose(s);
    // filter 0: the Sobel on both input channels; filter 1: the transposed one on channel 0, its noise-free half on 1
    float[] w = new float[2 * 2 * 25];
    System.arraycopy(s, 0, w, 0, 25);
    System.arraycopy(s, 0, w, 25, 25);
    System.arraycopy(t, 0, w, 50, 25);
    for (int i = 0; i < 25; i++) {
      w[75 + i] = t[i] / 2;
    }
    List<FilterEdges.Match> m = FilterEdges.matches(w, new long[] {2, 2, 5, 5});
    assertEquals(0.0, m.get(0).kernel().degrees());
    assertEquals(90.0, m.get(1).kernel().degrees());
    assertEquals(m.get(0).score(), m.get(1).score(), 1e-6);
    assertTrue(Double.isNaN(Stats.pearson(new float[] {1, 1, 1}, new float[] {1, 2, 3})), "a constant: no r");
    assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
  }
}
