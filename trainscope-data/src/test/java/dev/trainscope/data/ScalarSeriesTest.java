package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** ScalarSeries against a TreeMap holding the same points: compression, restarts, queries. */
class ScalarSeriesTest {

  /** One operation on a series: append (step, wall, value). */
  record Op(long step, double wall, double value) {}

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<Double> values = Arbitraries.oneOf(
        Arbitraries.floats().map(f -> (double) f),
        Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.longBitsToDouble(0x7ff0000000000123L), Double.MIN_VALUE, Double.MAX_VALUE),
        Arbitraries.integers().between(0, 1000).map(i -> Math.exp(-i / 100.0)));
    Arbitrary<Long> gaps = Arbitraries.oneOf(
        Arbitraries.just(1L), Arbitraries.longs().between(1, 1000),
        Arbitraries.longs().between(-300, 0), // a restart rewinds
        Arbitraries.longs().between(1, Long.MAX_VALUE / 4096));
    Arbitrary<Double> wallGaps = Arbitraries.oneOf(Arbitraries.just(0.01), Arbitraries.doubles().between(-1, 100));
    return Combinators.combine(gaps, wallGaps, values).as((g, w, v) -> new double[] {g, w, v})
        .list().ofMinSize(0).ofMaxSize(3000)
        .map(raw -> {
          List<Op> ops = new ArrayList<>();
          long step = -50;
          double wall = 1.7e9;
          for (double[] r : raw) {
            step += (long) r[0];
            wall += r[1];
            ops.add(new Op(step, wall, r[2]));
          }
          return ops;
        });
  }

  static TreeMap<Long, double[]> replay(List<Op> ops, ScalarSeries series, long[] dropped) {
    TreeMap<Long, double[]> model = new TreeMap<>();
    int i = 0;
    for (Op op : ops) {
      // now and then the store compacts (a run read to its end): partial blocks among full ones
      if ((((i++ + ops.size()) * 2654435761L) >>> 8) % 41 == 0) {
        series.compact();
      }
      Map<Long, double[]> stale = model.tailMap(op.step(), true);
      long expectDropped = stale.size();
      stale.clear();
      model.put(op.step(), new double[] {op.wall(), op.value()});
      long d = series.append(op.step(), op.wall(), op.value());
      assertEquals(expectDropped, d, "dropped at step " + op.step());
      dropped[0] += d;
    }
    return model;
  }

  @Property(tries = 200)
  void appendAndRead_anyHistory_returnsEveryPointBitForBit(@ForAll("histories") List<Op> ops) {
    ScalarSeries s = new ScalarSeries();
    TreeMap<Long, double[]> model = replay(ops, s, new long[1]);
    assertEquals(model.size(), s.size());
    ScalarSeries.Points p = s.points(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(model.size(), p.size);
    int i = 0;
    for (Map.Entry<Long, double[]> e : model.entrySet()) {
      assertEquals((long) e.getKey(), p.steps[i]);
      assertEquals(Double.doubleToRawLongBits(e.getValue()[0]), Double.doubleToRawLongBits(p.walls[i]), "wall at " + i);
      assertEquals(Double.doubleToRawLongBits(e.getValue()[1]), Double.doubleToRawLongBits(p.values[i]), "value at " + i);
      i++;
    }
  }

  @Property(tries = 200)
  void points_pagedRange_equalsModelSlices(@ForAll("histories") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 700) int page, @ForAll long a, @ForAll long b) {
    ScalarSeries s = new ScalarSeries();
    TreeMap<Long, double[]> model = replay(ops, s, new long[1]);
    long from = Math.min(a, b) / 1024;
    long to = Math.max(a, b) / 1024;
    if (!model.isEmpty() && (a & 1) == 0) {
      from = model.firstKey() + (model.lastKey() - model.firstKey()) / 3;
      to = model.lastKey() - (model.lastKey() - model.firstKey()) / 5;
    }
    List<Long> expected = new ArrayList<>(model.subMap(from, true, to, true).keySet());
    List<Long> actual = new ArrayList<>();
    long cursor = from;
    while (true) {
      ScalarSeries.Points p = s.points(cursor, to, page);
      for (int i = 0; i < p.size; i++) {
        actual.add(p.steps[i]);
      }
      if (p.nextStep == Long.MIN_VALUE) {
        break;
      }
      assertEquals(page, p.size, "a full page before more");
      cursor = p.nextStep;
    }
    assertEquals(expected, actual);
  }

  @Property(tries = 300)
  void downsample_anyRange_matchesBruteForceOverEachBucketsSteps(@ForAll("histories") List<Op> ops,
      @ForAll @IntRange(min = 1, max = 400) int n, @ForAll @IntRange(min = 0, max = 99) int cutA,
      @ForAll @IntRange(min = 0, max = 99) int cutB) {
    ScalarSeries s = new ScalarSeries();
    TreeMap<Long, double[]> model = replay(ops, s, new long[1]);
    if (model.isEmpty()) {
      assertEquals(0, s.downsample(Long.MIN_VALUE, Long.MAX_VALUE, n).size);
      return;
    }
    long span = model.lastKey() - model.firstKey();
    long from = model.firstKey() + (long) (span * (Math.min(cutA, cutB) / 100.0));
    long to = model.firstKey() + (long) (span * (Math.max(cutA, cutB) / 100.0));
    ScalarSeries.Buckets bk = s.downsample(from, to, n);
    TreeMap<Long, double[]> range = new TreeMap<>(model.subMap(from, true, to, true));
    assertTrue(bk.size <= n, bk.size + " buckets for n=" + n);
    long covered = 0;
    long prevLast = Long.MIN_VALUE;
    for (int i = 0; i < bk.size; i++) {
      assertTrue(bk.firstStep[i] > prevLast || i == 0, "buckets in order and disjoint");
      prevLast = bk.lastStep[i];
      Map<Long, double[]> in = range.subMap(bk.firstStep[i], true, bk.lastStep[i], true);
      assertEquals(in.size(), bk.count(i), "bucket " + i + " count");
      covered += in.size();
      ScalarSeries.Summary ref = new ScalarSeries.Summary();
      in.values().forEach(v -> ref.add(v[1]));
      assertEquals(ref.finite, bk.finite[i]);
      assertEquals(ref.nan, bk.nan[i]);
      assertEquals(ref.posInf, bk.posInf[i]);
      assertEquals(ref.negInf, bk.negInf[i]);
      if (ref.finite > 0) {
        assertEquals(ref.min, bk.min[i], "exact min");
        assertEquals(ref.max, bk.max[i], "exact max");
        assertEquals(ref.sum, bk.sum[i], Math.abs(ref.sum) * 1e-9 + 1e-300 + Math.ulp(ref.max) * in.size(), "sum");
      }
      double[] firstPoint = range.get(bk.firstStep[i]);
      double[] lastPoint = range.get(bk.lastStep[i]);
      assertEquals(Double.doubleToRawLongBits(firstPoint[1]), Double.doubleToRawLongBits(bk.first[i]));
      assertEquals(Double.doubleToRawLongBits(lastPoint[1]), Double.doubleToRawLongBits(bk.last[i]));
      assertEquals(firstPoint[0], bk.firstWall[i]);
      assertEquals(lastPoint[0], bk.lastWall[i]);
    }
    assertEquals(range.size(), covered, "every point of the range in exactly one bucket");
  }

  @Test
  void downsample_spikeAmongTenMillionPoints_isInABucketMax() {
    ScalarSeries s = new ScalarSeries();
    for (long step = 0; step < 10_000_000; step++) {
      float v = step == 6_543_210 ? 1e6f : (float) Math.exp(-step / 3e6);
      s.append(step, 1.7e9 + step * 0.01, v);
    }
    ScalarSeries.Buckets b = s.downsample(0, 9_999_999, 1000);
    assertEquals(1000, b.size, "one bucket per block group");
    double top = 0;
    long total = 0;
    for (int i = 0; i < b.size; i++) {
      top = Math.max(top, b.max[i]);
      total += b.count(i);
    }
    assertEquals(1e6, top, "the spike survives downsampling");
    assertEquals(10_000_000, total);
    long bytes = s.memoryBytes();
    assertTrue(bytes < 4L * 10_000_000, "smooth curve under 4 bytes a point: " + bytes / 1e7 + " B/pt");
  }

  @Test
  void downsample_zoomedOverManyBlocks_foldsWholeBlocks_staysExactPerBucket() {
    // 300,000 noisy points with a one-step spike: zooms whose buckets are narrower than a block, over
    // more blocks than are ever decoded, still give each bucket the exact figures of its own steps
    ScalarSeries s = new ScalarSeries();
    java.util.Random r = new java.util.Random(7);
    int n = 300_000;
    double[] v = new double[n];
    for (int step = 0; step < n; step++) {
      v[step] = step == 123_457 ? 50f : (float) (1 + 0.1 * r.nextGaussian());
      s.append(step, 1.7e9 + step * 0.05, v[step]);
    }
    for (long[] q : new long[][] {{1_000, 250_000, 1000}, {100_000, 160_000, 1000}, {120_000, 130_000, 1000},
        {0, 299_999, 3000}}) {
      ScalarSeries.Buckets b = s.downsample(q[0], q[1], (int) q[2]);
      assertTrue(b.size <= q[2] && b.size > 0, b.size + " buckets");
      long covered = 0;
      double top = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < b.size; i++) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long st = b.firstStep[i]; st <= b.lastStep[i]; st++) {
          min = Math.min(min, v[(int) st]);
          max = Math.max(max, v[(int) st]);
        }
        assertEquals(b.lastStep[i] - b.firstStep[i] + 1, b.count(i), "bucket " + i + " holds every step it spans");
        assertEquals(min, b.min[i]);
        assertEquals(max, b.max[i]);
        assertEquals(v[(int) b.firstStep[i]], b.first[i]);
        assertEquals(v[(int) b.lastStep[i]], b.last[i]);
        covered += b.count(i);
        top = Math.max(top, b.max[i]);
      }
      assertEquals(q[1] - q[0] + 1, covered, "every step of the range once");
      if (q[0] <= 123_457 && 123_457 <= q[1]) {
        assertEquals(50.0, top, "the spike survives");
      }
    }
  }

  @Test
  void truncateFrom_middleOfSealedBlock_keepsEarlierPointsAndAcceptsNewOnes() {
    ScalarSeries s = new ScalarSeries();
    for (int step = 0; step < 2000; step++) {
      s.append(step, step, step * 2.0);
    }
    assertEquals(1000 + 1, s.append(1000, -1, -1.0) + 1, "points 1000..1999 dropped");
    assertEquals(1001, s.size());
    assertEquals(-1.0, s.lastValue());
    for (int step = 1001; step < 1600; step++) {
      s.append(step, step, 7.0);
    }
    ScalarSeries.Points p = s.points(998, 1002, 10);
    assertEquals(List.of(998L, 999L, 1000L, 1001L, 1002L),
        List.of(p.steps[0], p.steps[1], p.steps[2], p.steps[3], p.steps[4]));
    assertEquals(1996.0, p.values[0]);
    assertEquals(-1.0, p.values[2]);
    assertEquals(7.0, p.values[3]);
  }
}
