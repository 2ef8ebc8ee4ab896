package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionTableTest {
  @Test
  void withLabels_rowsInProbeOrder_wrongOnesMarked() {
    float[] scores = {
        0, 0, 5,      // predicts 2 with 0.987
        3, 0, 0,      // predicts 0
        0, 1, 1.5f};  // predicts 2 with 0.5
    assertEquals("""
        Probe batch at step 40: **2 of 3 right** (66.7%).

        | sample | label | predicted | probability | right |
        |---:|---:|---:|---:|:---:|
        | 0 | 2 | 2 | 0.987 | yes |
        | 1 | 1 | 0 | 0.909 | **no** |
        | 2 | 2 | 2 | 0.547 | yes |
        """, PredictionTable.markdown(scores, 3, 3, new float[] {2, 1, 2}, null, 40));
  }

  @Test
  void withoutLabels_andWithClassNames_escaped() {
    assertEquals("""
        Probe batch at step 0.

        | sample | predicted | probability |
        |---:|---:|---:|
        | 0 | cat\\|dog | 0.731 |
        """, PredictionTable.markdown(new float[] {0, 1}, 1, 2, null, List.of("bird", "cat|dog"), 0));
  }
}
