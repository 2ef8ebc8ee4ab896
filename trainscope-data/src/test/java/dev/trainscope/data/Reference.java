package dev.trainscope.data;

import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A second, simple reading of a run's files, to check the store against: records framed by {@link
 * RecordScanner}, each event decoded whole ({@link Event#parse}, no lazy views, no tag cache), the
 * restart rules applied to plain TreeMaps.
 */
final class Reference {
  /** Per tag, step to (wall time, value): a scalar's value. */
  final Map<String, TreeMap<Long, double[]>> scalars = new LinkedHashMap<>();
  /** Per tag, step to {{wall time}, lefts, rights, counts, {num}} of a legacy histogram. */
  final Map<String, TreeMap<Long, double[][]>> histograms = new LinkedHashMap<>();
  long events;

  static Reference of(List<Path> files) {
    Reference ref = new Reference();
    for (Path f : files) {
      try {
        RecordScanner.create().scan(f, ScanPosition.START,
            (offset, buf, off, len) -> ref.add(Event.parse(Arrays.copyOfRange(buf, off, off + len))), p -> {});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ref;
  }

  private void add(Event e) {
    events++;
    if (e.what() instanceof SessionLog s && s.isStart()) {
      scalars.values().forEach(m -> m.tailMap(e.step(), true).clear());
      histograms.values().forEach(m -> m.tailMap(e.step(), true).clear());
    }
    if (e.summary() == null) {
      return;
    }
    for (SummaryValue v : e.summary().values()) {
      String tag = v.effectiveTag();
      if (v.value() instanceof SummaryValue.SimpleValue s) {
        put(scalars, tag, e.step(), new double[] {e.wallTime(), s.value()});
      } else if (v.value() instanceof TensorProto t && t.isScalar()
          && (v.metadata() == null || v.metadata().pluginName().equals("scalars"))) {
        put(scalars, tag, e.step(), new double[] {e.wallTime(), t.toDoubleArray()[0]});
      } else if (v.value() instanceof HistogramProto h) {
        // TensorBoard's data_compat: bucket i spans [limit[i-1], limit[i]], the first from min, the last to max
        int k = h.bucket().length;
        double[] left = new double[k];
        double[] right = new double[k];
        for (int i = 0; i < k; i++) {
          left[i] = i == 0 ? h.min() : h.bucketLimit()[i - 1];
          right[i] = i == k - 1 ? h.max() : h.bucketLimit()[i];
        }
        put(histograms, tag, e.step(), new double[][] {{e.wallTime()}, left, right, h.bucket().clone(), {h.num()}});
      }
    }
  }

  private static <V> void put(Map<String, TreeMap<Long, V>> m, String tag, long step, V v) {
    TreeMap<Long, V> series = m.computeIfAbsent(tag, k -> new TreeMap<>());
    series.tailMap(step, true).clear();
    series.put(step, v);
  }
}
