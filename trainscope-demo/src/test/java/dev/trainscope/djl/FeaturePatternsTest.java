package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.djl.FeaturePatterns.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeaturePatternsTest {
  @Test
  void receptiveFields_ofTheDemoCnn() {
    // conv 5x5 padding 2: output row y sees input rows y-2..y+2
    assertArrayEquals(new int[] {-2, 2}, FeaturePatterns.receptiveField(FeaturePatterns.DEMO_CNN.get("conv2d_1"), 0));
    assertArrayEquals(new int[] {8, 12}, FeaturePatterns.receptiveField(FeaturePatterns.DEMO_CNN.get("conv2d_1"), 10));
    // conv2 row y sees pooled rows y-2..y+2, i.e. conv1 rows 2y-4..2y+5, i.e. input rows 2y-6..2y+7: 14 rows
    assertArrayEquals(new int[] {4, 17}, FeaturePatterns.receptiveField(FeaturePatterns.DEMO_CNN.get("conv2d_2"), 5));
    assertArrayEquals(new int[] {0, 0}, FeaturePatterns.receptiveField(List.of(), 0));
    assertArrayEquals(new int[] {6, 9}, FeaturePatterns.receptiveField(List.of(new Window(4, 3, 0)), 2));
  }

  @Test
  void patches_takeTheOutsideValueBeyondTheImage() {
    float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // 3 x 3
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5},
        FeaturePatterns.patch(image, 3, 3, new int[] {-1, 1}, new int[] {-1, 1}, 0));
    assertArrayEquals(new float[] {5, 6, 9, 9, 8, 9, 9, 9}, FeaturePatterns.patch(image, 3, 3, new int[] {1, 2},
        new int[] {1, 4}, 9));
  }

  @Test
  void coherence_isOneForOnePattern_nearZeroForNoise_andSkipsBlankPatches() {
    Random r = new Random(3);
    float[] pattern = new float[25];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (float) r.nextGaussian();
    }
    List<float[]> same = new ArrayList<>();
    for (int k = 0; k < 9; k++) {
      float[] p = new float[25];
      for (int i = 0; i < p.length; i++) {
        p[i] = 2 * pattern[i] + k; // the same up to scale and offset
      }
      same.add(p);
    }
    assertEquals(1.0, FeaturePatterns.coherence(same), 1e-6);
    same.add(new float[25]); // a blank patch: no pair with it counts
    assertEquals(1.0, FeaturePatterns.coherence(same), 1e-6);

    double sum = 0;
    for (int trial = 0; trial < 200; trial++) {
      List<float[]> noise = new ArrayList<>();
      for (int k = 0; k < 9; k++) {
        float[] p = new float[196];
        for (int i = 0; i < p.length; i++) {
          p[i] = (float) r.nextGaussian();
        }
        noise.add(p);
      }
      sum += FeaturePatterns.coherence(noise);
    }
    assertEquals(0, sum / 200, 0.01);
    assertTrue(Double.isNaN(FeaturePatterns.coherence(List.of(new float[4], new float[4]))));
  }

  @Test
  void modalShare() {
    assertEquals(1.0, FeaturePatterns.modalShare(new int[] {7, 7, 7}));
    assertEquals(4 / 9.0, FeaturePatterns.modalShare(new int[] {1, 2, 3, 3, 3, 3, 4, 5, 6}), 1e-12);
    assertTrue(Double.isNaN(FeaturePatterns.modalShare(new int[0])));
  }
}
