package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistogramTest {
  @TempDir
  Path dir;

  @Test
  void of_tenValues_thirtyEqualWidthBucketsOverMinMax() {
    double[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    Histogram h = Histogram.of(values);
    assertEquals(30, h.size());
    assertEquals(10.0, h.totalCount());
    double width = 9.0 / 30;
    for (int i = 0; i < 30; i++) {
      assertEquals(i * width, h.left(i), 1e-15, "left " + i);
      assertEquals(h.left(i), i == 0 ? 0 : h.right(i - 1), "buckets touch at " + i);
    }
    assertEquals(9.0, h.right(29), "the last edge is exactly max");
    // x -> floor(x / 0.3): 0->0, 1->3, 2->6, 3->10, 4->13, 5->16, 6->20, 7->23, 8->26, 9->30 clamped to 29
    int[] expectedBucket = {0, 3, 6, 10, 13, 16, 20, 23, 26, 29};
    for (int b : expectedBucket) {
      assertEquals(1.0, h.count(b), "bucket " + b + " of " + h);
    }
  }

  @Test
  void of_allValuesEqual_tf2SingleValueRule() {
    Histogram h = Histogram.of(new double[] {2.5, 2.5, 2.5});
    assertEquals(30, h.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(2.5, h.left(i));
      assertEquals(2.5, h.right(i));
      assertEquals(i == 29 ? 3.0 : 0.0, h.count(i));
    }
  }

  @Test
  void of_nonFiniteValues_leftOutOfTheCounts() {
    Histogram h = Histogram.of(new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY, 1, Double.NEGATIVE_INFINITY});
    assertEquals(2.0, h.totalCount());
    assertEquals(-1.0, h.left(0));
    assertEquals(1.0, h.right(29));
    Histogram none = Histogram.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY});
    assertEquals(30, none.size());
    assertEquals(0.0, none.totalCount());
    assertEquals(0.0, none.left(0));
    assertEquals(0.0, none.right(29));
  }

  @Test
  void of_floats_sameAsDoubles() {
    float[] f = new float[1000];
    double[] d = new double[1000];
    Random r = new Random(7);
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
      d[i] = f[i];
    }
    assertEquals(Histogram.of(d), Histogram.of(f));
    assertEquals(1000.0, Histogram.of(f, 7).totalCount());
    assertEquals(7, Histogram.of(f, 7).size());
  }

  @Test
  void of_randomData_countsSumToN_andEachValueLiesInItsBucket() {
    Random r = new Random(11);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(500);
      double[] v = new double[n];
      double scale = Math.pow(10, r.nextInt(20) - 10);
      for (int i = 0; i < n; i++) {
        v[i] = (r.nextDouble() - 0.3) * scale;
      }
      int k = 1 + r.nextInt(40);
      Histogram h = Histogram.of(v, k);
      assertEquals(n, h.totalCount(), 0.0);
      double[] counted = new double[k];
      for (double x : v) {
        int b = 0;
        while (b < k - 1 && x >= h.right(b)) {
          b++;
        }
        counted[b]++;
      }
      for (int b = 0; b < k; b++) {
        // Rounding can put a value that sits on an edge in the neighbouring bucket, as in TF.
        assertEquals(counted[b], h.count(b), 2.0, "bucket " + b + " of " + h);
      }
    }
  }

  @Test
  void builder_validatesBuckets() {
    Histogram h = Histogram.builder().bucket(0, 1, 3).bucket(1, 2, 0).bucket(2.5, 4, 1.5).build();
    assertEquals(3, h.size());
    assertEquals(4.5, h.totalCount());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Histogram.builder().bucket(1, 0, 1));
    assertEquals("bucket 0: left 1.0 must be <= right 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Histogram.builder().bucket(0, 2, 1).bucket(1, 3, 1));
    assertEquals("bucket 1: left 1.0 must be >= the right edge of bucket 0, 2.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Histogram.builder().bucket(0, 1, -1));
    assertEquals("count of bucket 0 must be finite and >= 0, was -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Histogram.builder().bucket(Double.NaN, 1, 1));
    assertEquals("left of bucket 0 must be finite, was NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Histogram.builder().build());
    assertEquals("a histogram needs at least one bucket, was given 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Histogram.of(new double[0]));
    assertEquals("values must not be empty, was double[0]", e.getMessage());
  }

  @Test
  void histogram_roundTrip_pluginTensorAndMetadata() {
    double[] values = new double[10_000];
    Random r = new Random(3);
    for (int i = 0; i < values.length; i++) {
      values[i] = r.nextGaussian();
    }
    Histogram given = Histogram.builder().bucket(-1, 0, 2).bucket(0, 1, 5).build();
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.histogram("weights", values, 1);
      w.histogram("weights", new float[] {1f, 2f}, 2);
      w.histogram("given", given, 3, 10.5);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "weights");
    assertEquals(2, vs.size());
    TensorProto t = (TensorProto) vs.get(0).value().value();
    assertEquals(DataType.DT_DOUBLE, t.dataType());
    assertEquals(TensorShape.of(30, 3), t.shape());
    PluginTensors.Buckets b = PluginTensors.histogram(t);
    assertEquals(10_000.0, b.total());
    Histogram expected = Histogram.of(values);
    for (int i = 0; i < 30; i++) {
      assertEquals(expected.left(i), b.left()[i]);
      assertEquals(expected.right(i), b.right()[i]);
      assertEquals(expected.count(i), b.count()[i]);
    }
    SummaryMetadata md = vs.get(0).value().metadata();
    assertNotNull(md);
    assertEquals(PluginNames.HISTOGRAMS, md.pluginName());
    assertEquals(SummaryMetadata.DATA_CLASS_TENSOR, md.dataClass());
    assertNull(vs.get(1).value().metadata());
    assertEquals(2.0, PluginTensors.histogram((TensorProto) vs.get(1).value().value()).total());

    Read.Value g = Read.values(Read.onlyEventFile(dir), "given").get(0);
    assertEquals(10.5, g.wallTime());
    assertEquals(3, g.step());
    PluginTensors.Buckets gb = PluginTensors.histogram((TensorProto) g.value().value());
    assertEquals(List.of(-1.0, 0.0), List.of(gb.left()[0], gb.left()[1]));
    assertEquals(List.of(0.0, 1.0), List.of(gb.right()[0], gb.right()[1]));
    assertEquals(List.of(2.0, 5.0), List.of(gb.count()[0], gb.count()[1]));
  }

  @Test
  void histogram_callerMayReuseItsArrayAtOnce() {
    double[] values = {1, 2, 3};
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.histogram("h", values, 1);
      values[0] = 1000; // the writer copied what it needed before returning
    }
    PluginTensors.Buckets b = PluginTensors.histogram(
        (TensorProto) Read.values(Read.onlyEventFile(dir), "h").get(0).value().value());
    assertEquals(3.0, b.right()[29]);
    assertTrue(b.total() == 3.0);
  }
}
