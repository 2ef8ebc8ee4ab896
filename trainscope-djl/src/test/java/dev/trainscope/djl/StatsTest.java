package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void l2_andDistance() {
    assertEquals(5.0, Stats.l2(new float[] {3, -4}));
    assertEquals(0.0, Stats.l2(new float[0]));
    assertEquals(5.0, Stats.l2Distance(new float[] {1, 1}, new float[] {4, 5}));
  }

  @Test
  void zeroFraction_countsBothSignsOfZero() {
    assertEquals(0.5, Stats.zeroFraction(new float[] {0f, -0f, 1f, Float.NaN}));
    assertEquals(0.0, Stats.zeroFraction(new float[0]));
  }

  @Test
  void meanStd_isThePopulationStd() {
    assertArrayEquals(new double[] {2.5, Math.sqrt(1.25)}, Stats.meanStd(new float[] {1, 2, 3, 4}));
  }

  @Test
  void deadUnits_denseLayer_aUnitZeroForEverySampleIsDead() {
    // 3 samples x 4 units: unit 1 is always 0, unit 3 fires once
    float[] v = {
        1, 0, 2, 0,
        0, 0, 3, 0,
        2, 0, 1, 5};
    assertEquals(0.25, Stats.deadUnitFraction(v, new long[] {3, 4}));
  }

  @Test
  void deadUnits_convolution_aChannelZeroAtEveryPositionIsDead() {
    // 2 samples x 3 channels x 2 positions: channel 0 dead, channel 1 fires at one position of sample 2
    float[] v = {
        0, 0, 0, 0, 1, 1,
        0, 0, 0, 7, 1, 0};
    assertEquals(1.0 / 3, Stats.deadUnitFraction(v, new long[] {2, 3, 1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Stats.deadUnitFraction(v, new long[] {12}));
    assertThrows(IllegalArgumentException.class, () -> Stats.deadUnitFraction(v, new long[] {2, 3, 3}));
  }

  @Test
  void fingerprint_sameBytesSameValue_anyChangeAnotherValue_always24Bits() {
    Random r = new Random(1);
    byte[] a = new byte[64 * 784 * 4 + 3];
    r.nextBytes(a);
    int f = Stats.fingerprint(ByteBuffer.wrap(a));
    assertEquals(f, Stats.fingerprint(ByteBuffer.wrap(a.clone())));
    Set<Integer> seen = new HashSet<>();
    seen.add(f);
    for (int i = 0; i < a.length; i += 997) {
      byte[] b = a.clone();
      b[i] ^= 1;
      int g = Stats.fingerprint(ByteBuffer.wrap(b));
      assertTrue(g >= 0 && g < (1 << 24));
      seen.add(g);
    }
    int flips = (a.length + 996) / 997;
    assertTrue(seen.size() >= flips, "one-bit changes give new fingerprints: " + seen.size() + " of " + (flips + 1));
    // where the data ends and the labels begin matters
    assertNotEquals(Stats.fingerprint(ByteBuffer.wrap(a, 0, 8), ByteBuffer.wrap(a, 8, 8)),
        Stats.fingerprint(ByteBuffer.wrap(a, 0, 16)));
    // exact as a float32
    assertEquals(f, (int) (float) f);
  }

  @Test
  void softmax_sumsToOne_andIsStableForLargeScores() {
    double[] p = Stats.softmax(new float[] {9, 1000, 1000, 0}, 1, 2);
    assertArrayEquals(new double[] {0.5, 0.5}, p);
  }
}
