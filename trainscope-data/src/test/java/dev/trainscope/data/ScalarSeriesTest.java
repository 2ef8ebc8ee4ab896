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

  /**
   * A series as the store makes them, coded against a run clock, for two thirds of the histories
   * (the rest without one); see {@link #replay}.
   */
  static ScalarSeries series(List<Op> ops, RunClock[] clock) {
    clock[0] = ops.size() % 3 == 0 ? null : new RunClock();
    return new ScalarSeries(clock[0]);
  }

  static TreeMap<Long, double[]> replay(List<Op> ops, ScalarSeries series, long[] dropped) {
    return replay(ops, series, dropped, null);
  }

  /**
   * Appends the history to the series and to a model. With a clock, a sibling tag of the same run
   * offers it other wall times first at some steps (a clock the series did not set), and at others
   * the series sets it itself.
   */
  static TreeMap<Long, double[]> replay(List<Op> ops, ScalarSeries series, long[] dropped, RunClock clock) {
    TreeMap<Long, double[]> model = new TreeMap<>();
    long rewrites = series.rewrites;
    long lastStep = Long.MIN_VALUE;
    int i = 0;
    for (Op op : ops) {
      if (clock != null && (op.step() & 3) != 0) {
        clock.offer(op.step(), op.wall() - (op.step() % 5) * 1.7e-4);
      }
      // now and then the store compacts (a run read to its end): partial blocks among full ones
      if ((((i++ + ops.size()) * 2654435761L) >>> 8) % 41 == 0) {
        series.compact();
        if (clock != null) {
          clock.compact();
        }
      }
      Map<Long, double[]> stale = model.tailMap(op.step(), true);
      // the last step again is a rewrite, not counted as dropped by a restart
      boolean rewrite = op.step() == lastStep;
      long expectDropped = rewrite ? 0 : stale.size();
      rewrites += rewrite ? stale.size() : 0;
      lastStep = op.step();
      stale.clear();
      model.put(op.step(), new double[] {op.wall(), op.value()});
      long d = series.append(op.step(), op.wall(), op.value());
      assertEquals(expectDropped, d, "dropped at step " + op.step());
      assertEquals(rewrites, series.rewrites, "rewritten at step " + op.step());
      dropped[0] += d;
    }
    return model;
  }

  @Property(tries = 200)
  void appendAndRead_anyHistory_returnsEveryPointBitForBit(@ForAll("histories") List<Op> ops) {
    RunClock[] clock = new RunClock[1];
    ScalarSeries s = series(ops, clock);
    TreeMap<Long, double[]> model = replay(ops, s, new long[1], clock[0]);
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
    RunClock[] clock = new RunClock[1];
    ScalarSeries s = series(ops, clock);
    TreeMap<Long, double[]> model = replay(ops, s, new long[1], clock[0]);
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
    RunClock[] clock = new RunClock[1];
    ScalarSeries s = series(ops, clock);
    TreeMap<Long, double[]> model = replay(ops, s, new long[1], clock[0]);
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
      in.values().forEach(v -> add(ref, v[1]));
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
  void smallSeries_compacted_holdsRoomForItsOneBlockOnly_andGrowsAgain() {
    // a log directory of many small runs holds one short block a series: the block summaries and
    // the tail are sized to what is held, not to a block's worth of room each
    ScalarSeries s = new ScalarSeries(new RunClock());
    long empty = s.memoryBytes();
    for (long step = 0; step < 4; step++) {
      s.append(step, 1.7e9 + step, step * 0.5);
    }
    s.compact();
    long small = s.memoryBytes();
    assertTrue(small - empty < 300, "4 points compacted: " + (small - empty) + " bytes beyond an empty series");
    assertEquals(4, s.size());
    // appends after the compaction, across several blocks, and a restart into the first block
    for (long step = 4; step < 5 * ScalarSeries.BLOCK; step++) {
      s.append(step, 1.7e9 + step, step * 0.5);
    }
    s.append(2, 1.8e9, -1);
    assertEquals(3, s.size());
    assertEquals(2, s.lastStep());
    assertEquals(-1, s.lastValue());
    assertEquals(0, s.firstStep());
    s.compact();
    ScalarSeries.Buckets b = s.downsample(0, 10, 10);
    long total = 0;
    for (int i = 0; i < b.size; i++) {
      total += b.count(i);
    }
    assertEquals(3, total);
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
  void runClock_takesTheJitterOutOfSiblingTags_andEveryWallComesBackBitForBit() {
    // 20 tags of a run logged 100 microseconds apart at each step, steps 50 ms apart with 2 ms of
    // jitter, in whole microseconds: each tag alone pays for the jitter, against the clock it does not
    java.util.Random r = new java.util.Random(3);
    RunClock clock = new RunClock();
    ScalarSeries[] clocked = new ScalarSeries[20];
    ScalarSeries[] alone = new ScalarSeries[20];
    for (int t = 0; t < 20; t++) {
      clocked[t] = new ScalarSeries(clock);
      alone[t] = new ScalarSeries();
    }
    int n = 20_000;
    double[][] walls = new double[20][n];
    double wall = 1.7e9;
    for (int step = 0; step < n; step++) {
      wall += 0.05 + 0.002 * r.nextGaussian();
      for (int t = 0; t < 20; t++) {
        double w = Math.rint((wall + t * 1e-4) * 1e6) / 1e6;
        walls[t][step] = w;
        float v = (float) Math.exp(-step / 5000.0 - t);
        clocked[t].append(step, w, v);
        alone[t].append(step, w, v);
      }
    }
    long clockedBytes = clock.memoryBytes();
    long aloneBytes = 0;
    for (int t = 0; t < 20; t++) {
      clocked[t].compact();
      alone[t].compact();
      clockedBytes += clocked[t].memoryBytes();
      aloneBytes += alone[t].memoryBytes();
      ScalarSeries.Points p = clocked[t].points(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
      for (int i = 0; i < n; i++) {
        assertEquals(Double.doubleToRawLongBits(walls[t][i]), Double.doubleToRawLongBits(p.walls[i]), "tag " + t + " step " + i);
      }
    }
    assertTrue(clockedBytes * 10 < aloneBytes * 8, "the clock saves a fifth or more: " + clockedBytes / (20.0 * n)
        + " against " + aloneBytes / (20.0 * n) + " bytes a point");
  }

  @Test
  void runClock_answersOnlyForStepsItHeldUpToTheLimit_andNeverChangesThem() {
    RunClock clock = new RunClock();
    for (long step = 0; step < 4998; step += 2) {
      clock.offer(step, 1000 + step * 0.5);
    }
    clock.offer(10, -1); // a step already passed: ignored, the clock never changes what it said
    clock.compact(); // a partial last block, which later steps are merged with
    clock.offer(4998, 3499);
    long[] steps = {0, 1, 10, 2046, 2048, 3999, 4000, 4998};
    long[] codes = new long[steps.length];
    clock.codes(steps, steps.length, 3999, ScalarCodec.WALL_MILLIS, codes);
    boolean[] has = new boolean[steps.length];
    for (int i = 0; i < steps.length; i++) {
      has[i] = codes[i] != 0;
    }
    assertEquals(List.of(true, false, true, true, true, false, false, false), asList(has),
        "odd steps were never held; steps past the limit count as absent (code 0)");
    assertEquals(1_005_000L, codes[2], "step 10's wall, 1005 s, in whole milliseconds");
    assertEquals(2_024_000L, codes[4]);
    clock.codes(steps, steps.length, 3999, ScalarCodec.WALL_MICROS, codes);
    assertEquals(1_005_000_000L, codes[2], "in whole microseconds");
    clock.codes(steps, steps.length, 3999, ScalarCodec.WALL_RAW, codes);
    assertEquals(Double.doubleToRawLongBits(1005.0), codes[2], "as raw IEEE bits");
    assertEquals(4998L, clock.lastStep());
  }

  static List<Boolean> asList(boolean[] a) {
    List<Boolean> out = new ArrayList<>();
    for (boolean b : a) {
      out.add(b);
    }
    return out;
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

  /**
   * The definition of a block's summary, value by value, that the encoder's values pass
   * ({@code ScalarCodec.floatCodes}) and the buckets are held to.
   */
  private static void add(ScalarSeries.Summary s, double v) {
    if (v != v) {
      s.nan++;
    } else if (v == Double.POSITIVE_INFINITY) {
      s.posInf++;
    } else if (v == Double.NEGATIVE_INFINITY) {
      s.negInf++;
    } else {
      s.finite++;
      s.sum += v;
      if (v < s.min) {
        s.min = v;
      }
      if (v > s.max) {
        s.max = v;
      }
    }
  }
}
