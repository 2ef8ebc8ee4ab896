package dev.trainscope.data;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.ProtoValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;

/**
 * The hparams plugin's view of a log directory: each run's session start and end joined with the
 * experiment it belongs to and the last values of that experiment's metrics.
 */
final class HParamsJoin {
  private final Map<String, Run> runs;

  HParamsJoin(Map<String, Run> runs) {
    this.runs = runs;
  }

  /**
   * The hyperparameter table: one row per run that logged a session start. Several experiments may
   * share a log directory (a Keras tuning run beside tensorboardX trials and a Lightning version):
   * each session belongs to the experiment logged in its own run or the nearest folder above it
   * (the only one, when there is one and none is above), and holds that experiment's metrics; the
   * table's columns are the union over the sessions' experiments.
   */
  HParamsTable hparams() {
    Map<String, HParamsPluginData.Experiment> experiments = new HashMap<>();
    Map<String, HParamsPluginData.SessionStartInfo> starts = new TreeMap<>();
    Map<String, HParamsPluginData.SessionEndInfo> ends = new HashMap<>();
    for (Run run : runs.values()) {
      Lock l = run.lock.readLock();
      l.lock();
      try {
        RunData d = run.data;
        if (d.experiment != null) {
          experiments.put(run.name, d.experiment);
        }
        if (d.sessionStart != null) {
          starts.put(run.name, d.sessionStart);
          if (d.sessionEnd != null) {
            ends.put(run.name, d.sessionEnd);
          }
        }
      } finally {
        l.unlock();
      }
    }
    Set<String> hparamNames = new LinkedHashSet<>();
    Set<String> metricLabels = new LinkedHashSet<>();
    List<HParamsTable.Row> rows = new ArrayList<>();
    for (Map.Entry<String, HParamsPluginData.SessionStartInfo> e : starts.entrySet()) {
      String name = e.getKey();
      HParamsPluginData.SessionStartInfo s = e.getValue();
      HParamsPluginData.Experiment experiment = experimentOf(name, experiments);
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (experiment != null) {
        experiment.hparamInfos().forEach(h -> hparamNames.add(h.name()));
        for (HParamsPluginData.MetricInfo m : experiment.metricInfos()) {
          if (m.name() == null) {
            continue;
          }
          String group = m.name().group();
          String tag = m.name().tag();
          String runName = group.isEmpty() ? name : (name.equals(".") ? group : name + "/" + group);
          String label = group.isEmpty() ? tag : group + "/" + tag;
          metricLabels.add(label);
          metrics.put(label, lastScalar(runName, tag));
        }
      }
      hparamNames.addAll(s.hparams().keySet());
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, ProtoValue> v : s.hparams().entrySet()) {
        values.put(v.getKey(), v.getValue().toJava());
      }
      HParamsPluginData.SessionEndInfo end = ends.get(name);
      rows.add(new HParamsTable.Row(name, values, metrics, end == null ? "" : end.statusName(), s.startTimeSecs(),
          end == null ? Double.NaN : end.endTimeSecs()));
    }
    return new HParamsTable(new ArrayList<>(hparamNames), new ArrayList<>(metricLabels), rows);
  }

  /**
   * The experiment a session's run belongs to: one logged in the run itself or in the nearest
   * folder above it; else the only experiment of the log directory; else none.
   */
  static HParamsPluginData.Experiment experimentOf(String run,
      Map<String, HParamsPluginData.Experiment> experiments) {
    for (String r = run; ; r = r.contains("/") ? r.substring(0, r.lastIndexOf('/')) : ".") {
      HParamsPluginData.Experiment found = experiments.get(r);
      if (found != null) {
        return found;
      }
      if (r.equals(".")) {
        break;
      }
    }
    return experiments.size() == 1 ? experiments.values().iterator().next() : null;
  }

  private double lastScalar(String run, String tag) {
    Run r = runs.get(run);
    if (r == null) {
      return Double.NaN;
    }
    Lock l = r.lock.readLock();
    l.lock();
    try {
      TagData t = r.data.tags.get(tag);
      return t == null || t.kind != TagKind.SCALAR || t.scalars.isEmpty() ? Double.NaN : t.scalars.lastValue();
    } finally {
      l.unlock();
    }
  }
}
