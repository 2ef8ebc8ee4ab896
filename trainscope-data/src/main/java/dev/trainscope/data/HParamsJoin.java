package dev.trainscope.data;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.ProtoValue;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;

/**
 * The hparams plugin's view of a log directory: each run's session start and end joined with the
 * experiment it belongs to and that experiment's metrics over the run.
 *
 * <p>Writers differ in what they log (TensorBoard's {@code hparams/backend_context.py} reads the
 * same): TensorFlow's {@code hp.hparams} logs a session start and no end; Keras' callback an end
 * at the end of training; PyTorch's {@code add_hparams} and tensorboardX the experiment, start and
 * an end marked successful all at once, in a sub-run named by a timestamp; Lightning the same in
 * the training's own run when training starts, with the placeholder metric {@code hp_metric} and
 * its real metrics logged as plain scalars beside it.
 */
final class HParamsJoin {

  /** PyTorch's add_hparams logs each call into a sub-run named by a timestamp: "run/1712345678.123". */
  private static final Pattern TIMESTAMP_RUN = Pattern.compile("\\d{9,}(\\.\\d+)?");

  /** Lightning's and tensorboardX's placeholder metric. */
  private static final String HP_METRIC = "hp_metric";

  private final Map<String, Run> runs;
  private final InstantSource clock;

  HParamsJoin(Map<String, Run> runs) {
    this(runs, InstantSource.system());
  }

  HParamsJoin(Map<String, Run> runs, InstantSource clock) {
    this.runs = runs;
    this.clock = clock;
  }

  /** A run's hparams data, read under its lock. */
  private record Logged(HParamsPluginData.Experiment experiment, HParamsPluginData.SessionStartInfo start,
      HParamsPluginData.SessionEndInfo end) {}

  /**
   * The hyperparameter table: one row per run that logged a session start. Several experiments may
   * share a log directory (a Keras tuning run beside tensorboardX trials and a Lightning version):
   * each session belongs to the experiment logged in its own run or the nearest folder above it
   * (the only one, when there is one and none is above), and holds that experiment's metrics; the
   * table's columns are the union over the sessions' experiments. Where the experiment names no
   * metric but Lightning's placeholder, or there is none, the session's metrics are the losses,
   * accuracies and other metrics logged as scalars in its run (TensorBoard, with no experiment,
   * takes every scalar).
   */
  HParamsTable hparams() {
    Map<String, HParamsPluginData.Experiment> experiments = new HashMap<>();
    Map<String, Logged> sessions = new TreeMap<>();
    for (Run run : runs.values()) {
      Lock l = run.lock.readLock();
      l.lock();
      try {
        RunData d = run.data;
        if (d.experiment != null) {
          experiments.put(run.name, d.experiment);
        }
        if (d.sessionStart != null) {
          sessions.put(run.name, new Logged(d.experiment, d.sessionStart, d.sessionEnd));
        }
      } finally {
        l.unlock();
      }
    }
    Columns columns = new Columns();
    Groups groups = new Groups();
    List<HParamsTable.Row> rows = new ArrayList<>();
    double now = clock.millis() / 1000.0;
    for (Map.Entry<String, Logged> e : sessions.entrySet()) {
      String name = e.getKey();
      HParamsPluginData.SessionStartInfo s = e.getValue().start();
      String experimentRun = experimentRun(name, experiments);
      HParamsPluginData.Experiment experiment = experimentRun == null ? null : experiments.get(experimentRun);
      Set<String> sessionRuns = new LinkedHashSet<>();
      sessionRuns.add(name);
      String home = name;
      int slash = name.lastIndexOf('/');
      if (slash > 0 && TIMESTAMP_RUN.matcher(name.substring(slash + 1)).matches()
          && runs.containsKey(name.substring(0, slash))) {
        home = name.substring(0, slash);
        sessionRuns.add(home);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      Map<String, HParamsTable.Metric> stats = new LinkedHashMap<>();
      boolean placeholderOnly = true;
      if (experiment != null) {
        experiment.hparamInfos().forEach(columns::declare);
        for (HParamsPluginData.MetricInfo m : experiment.metricInfos()) {
          if (m.name() == null) {
            continue;
          }
          String group = m.name().group();
          String tag = m.name().tag();
          placeholderOnly &= group.isEmpty() && tag.equals(HP_METRIC);
          String runName = group.isEmpty() ? name : (name.equals(".") ? group : name + "/" + group);
          String label = group.isEmpty() ? tag : group + "/" + tag;
          columns.metric(label, m.displayName(), m.description());
          HParamsTable.Metric stat = metric(runName, tag);
          metrics.put(label, stat == null ? Double.NaN : stat.last());
          if (stat != null) {
            stats.put(label, stat);
            sessionRuns.add(runName);
          }
        }
      }
      if (placeholderOnly) {
        for (String run : sessionRuns) {
          for (HParamsTable.Metric stat : scalarMetrics(run)) {
            String label = run.equals(name) ? stat.tag() : relative(name, run) + stat.tag();
            if (!metrics.containsKey(label)) {
              columns.metric(label, "", "");
              metrics.put(label, stat.last());
              stats.put(label, stat);
            }
          }
        }
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, ProtoValue> v : s.hparams().entrySet()) {
        Object value = v.getValue().toJava();
        if (value == null) {
          continue;
        }
        if (!(value instanceof Double || value instanceof String || value instanceof Boolean)) {
          value = String.valueOf(value);   // a struct or list value: shown as text
        }
        values.put(v.getKey(), value);
        columns.value(v.getKey(), value);
      }
      double lastWall = Double.NaN;
      for (String run : sessionRuns) {
        double w = lastWall(run);
        if (w > lastWall || Double.isNaN(lastWall)) {
          lastWall = w;
        }
      }
      boolean live = lastWall > now - HParamsTable.LIVE.toSeconds();
      HParamsPluginData.SessionEndInfo end = e.getValue().end();
      HParamsTable.State state = null;
      if (end != null && end.status() == HParamsPluginData.STATUS_FAILURE) {
        state = HParamsTable.State.FAILED;
      } else if (end != null && end.status() == HParamsPluginData.STATUS_RUNNING) {
        state = HParamsTable.State.RUNNING;
      } else if (end != null && end.status() == HParamsPluginData.STATUS_SUCCESS && end.endTimeSecs() > 0) {
        state = HParamsTable.State.FINISHED;
      }
      boolean inferred = state == null;
      if (inferred) {
        // no end, an unknown status, or a success without an end time: PyTorch and Lightning log
        // it together with the start, before training
        state = live ? HParamsTable.State.RUNNING : HParamsTable.State.FINISHED;
      }
      groups.add(name, experimentRun, home, experiment, values.keySet());
      rows.add(new HParamsTable.Row(name, "", new ArrayList<>(sessionRuns), values, metrics, stats,
          end == null ? "" : end.statusName(), state, inferred, s.startTimeSecs(),
          end == null ? Double.NaN : end.endTimeSecs(), lastWall));
    }
    List<HParamsTable.Row> named = groups.name(rows);
    return new HParamsTable(columns.hparamNames(), columns.metricNames(), columns.build(named), named,
        groups.experiments(named));
  }

  /** {@code run}'s path below {@code session} with a trailing '/', or the whole run name and '/'. */
  private static String relative(String session, String run) {
    return (run.startsWith(session + "/") ? run.substring(session.length() + 1) : run) + "/";
  }

  /**
   * The experiment a session's run belongs to: one logged in the run itself or in the nearest
   * folder above it; else the only experiment of the log directory; else none.
   */
  static HParamsPluginData.Experiment experimentOf(String run,
      Map<String, HParamsPluginData.Experiment> experiments) {
    String found = experimentRun(run, experiments);
    return found == null ? null : experiments.get(found);
  }

  /** The run holding the experiment {@link #experimentOf} finds, or null. */
  static String experimentRun(String run, Map<String, HParamsPluginData.Experiment> experiments) {
    for (String r = run; ; r = parent(r)) {
      if (experiments.containsKey(r)) {
        return r;
      }
      if (r.equals(".")) {
        break;
      }
    }
    return experiments.size() == 1 ? experiments.keySet().iterator().next() : null;
  }

  /** The folder above a run: "a/b" for "a/b/c", "." for a top-level run and for "." itself. */
  private static String parent(String run) {
    return run.contains("/") ? run.substring(0, run.lastIndexOf('/')) : ".";
  }

  /**
   * Which experiment each session belongs to, by name. An experiment logged in a folder above the
   * session (TensorFlow's hp.hparams_config, Keras' tuning, this project's writer) is named by the
   * run that holds it. A session whose experiment is logged in its own run (PyTorch's add_hparams,
   * tensorboardX and Lightning log one with every session) or that has none is grouped with the
   * sessions in the same folder with the same hyperparameter names (a sweep's trials, each logging
   * its own copy of the experiment), named by that folder; the training's run stands for an
   * add_hparams sub-run named by a timestamp. Where one folder holds several such groups, or an
   * experiment is logged in the folder itself, each group's name adds its hyperparameter names in
   * brackets. A name is stable while the files are: the same sessions always get the same one.
   */
  private static final class Groups {
    /** Session -> the run holding its experiment, for a session whose experiment is logged above it. */
    private final Map<String, String> anchored = new HashMap<>();
    /** Session -> the folder holding it, and its hyperparameter names, for every other session. */
    private final Map<String, String> folder = new HashMap<>();
    private final Map<String, List<String>> keys = new HashMap<>();

    void add(String session, String experimentRun, String home, HParamsPluginData.Experiment experiment,
        Set<String> values) {
      if (experimentRun != null && !experimentRun.equals(session) && !experimentRun.equals(home)) {
        anchored.put(session, experimentRun);
        return;
      }
      TreeSet<String> names = new TreeSet<>(values);
      if (experiment != null) { // logged in the session's own run (or its training's)
        experiment.hparamInfos().forEach(h -> names.add(h.name()));
      }
      folder.put(session, parent(home));
      keys.put(session, new ArrayList<>(names));
    }

    /** The rows (built with "" for an experiment) with their experiment's name. */
    List<HParamsTable.Row> name(List<HParamsTable.Row> rows) {
      Map<String, Set<List<String>>> perFolder = new HashMap<>();
      folder.forEach((session, f) -> perFolder.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(keys.get(session)));
      Set<String> anchors = new LinkedHashSet<>(anchored.values());
      List<HParamsTable.Row> out = new ArrayList<>(rows.size());
      for (HParamsTable.Row r : rows) {
        String name = anchored.get(r.run());
        if (name == null) {
          String f = folder.get(r.run());
          name = perFolder.get(f).size() == 1 && !anchors.contains(f) ? f
              : f + " [" + String.join(", ", keys.get(r.run())) + "]";
        }
        out.add(new HParamsTable.Row(r.run(), name, r.runs(), r.values(), r.metrics(), r.stats(), r.status(),
            r.state(), r.stateInferred(), r.startTime(), r.endTime(), r.lastWallTime()));
      }
      return out;
    }

    /** Each experiment with its number of sessions, by name. */
    List<HParamsTable.Experiment> experiments(List<HParamsTable.Row> rows) {
      Map<String, Integer> counts = new TreeMap<>();
      rows.forEach(r -> counts.merge(r.experiment(), 1, Integer::sum));
      List<HParamsTable.Experiment> out = new ArrayList<>();
      counts.forEach((name, n) -> out.add(new HParamsTable.Experiment(name, n)));
      return out;
    }
  }

  private double lastWall(String run) {
    Run r = runs.get(run);
    if (r == null) {
      return Double.NaN;
    }
    Lock l = r.lock.readLock();
    l.lock();
    try {
      return r.data.lastWall;
    } finally {
      l.unlock();
    }
  }

  /** A scalar tag's last, least and greatest value over the run; null when the run has none. */
  private HParamsTable.Metric metric(String run, String tag) {
    Run r = runs.get(run);
    if (r == null) {
      return null;
    }
    Lock l = r.lock.readLock();
    l.lock();
    try {
      TagData t = r.data.tags.get(tag);
      return t == null || t.kind != TagKind.SCALAR ? null : summary(run, tag, t.scalars);
    } finally {
      l.unlock();
    }
  }

  /** The losses, accuracies and other metrics a run logged as scalars, in the order they came. */
  private List<HParamsTable.Metric> scalarMetrics(String run) {
    Run r = runs.get(run);
    List<HParamsTable.Metric> out = new ArrayList<>();
    if (r == null) {
      return out;
    }
    Lock l = r.lock.readLock();
    l.lock();
    try {
      for (TagData t : r.data.tags.values()) {
        Role role = t.meaning.role();
        if (t.kind == TagKind.SCALAR && (role == Role.LOSS || role == Role.ACCURACY || role == Role.METRIC
            || role == Role.HP_METRIC)) {
          HParamsTable.Metric m = summary(run, t.name, t.scalars);
          if (m != null) {
            out.add(m);
          }
        }
      }
    } finally {
      l.unlock();
    }
    return out;
  }

  private static HParamsTable.Metric summary(String run, String tag, ScalarSeries s) {
    if (s.isEmpty()) {
      return null;
    }
    ScalarSeries.Buckets b = s.downsample(Long.MIN_VALUE, Long.MAX_VALUE, 1);
    boolean finite = b.finite[0] > 0;
    return new HParamsTable.Metric(run, tag, s.lastStep(), s.lastValue(), finite ? b.min[0] : Double.NaN,
        finite ? b.max[0] : Double.NaN);
  }

  /** The table's columns as the sessions and their experiments declare them. */
  private static final class Columns {
    private final Map<String, HParamsPluginData.HParamInfo> declared = new LinkedHashMap<>();
    private final Map<String, Set<Class<?>>> seen = new LinkedHashMap<>();
    private final Map<String, String[]> metrics = new LinkedHashMap<>();

    void declare(HParamsPluginData.HParamInfo h) {
      declared.putIfAbsent(h.name(), h);
      seen.computeIfAbsent(h.name(), k -> new LinkedHashSet<>());
    }

    void value(String name, Object v) {
      seen.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(v.getClass());
    }

    void metric(String label, String displayName, String description) {
      metrics.putIfAbsent(label, new String[] {displayName, description});
    }

    List<String> hparamNames() {
      return new ArrayList<>(seen.keySet());
    }

    List<String> metricNames() {
      return new ArrayList<>(metrics.keySet());
    }

    List<HParamsTable.Column> build(List<HParamsTable.Row> rows) {
      List<HParamsTable.Column> out = new ArrayList<>();
      for (Map.Entry<String, Set<Class<?>>> e : seen.entrySet()) {
        String name = e.getKey();
        HParamsPluginData.HParamInfo info = declared.get(name);
        Set<Class<?>> classes = e.getValue();
        HParamsTable.Type type;
        if (classes.isEmpty() && info != null) {
          type = info.type() == HParamsPluginData.TYPE_BOOL ? HParamsTable.Type.BOOL
              : info.type() == HParamsPluginData.TYPE_FLOAT64 ? HParamsTable.Type.NUMBER : HParamsTable.Type.STRING;
        } else if (classes.equals(Set.of(Double.class))) {
          type = HParamsTable.Type.NUMBER;
        } else if (classes.equals(Set.of(Boolean.class))) {
          type = HParamsTable.Type.BOOL;
        } else {
          type = HParamsTable.Type.STRING;
        }
        List<Object> domain = null;
        if (info != null && info.domainDiscrete() != null) {
          domain = new ArrayList<>();
          for (ProtoValue v : info.domainDiscrete()) {
            Object o = v.toJava();
            if (o != null && !domain.contains(o)) {
              domain.add(type == HParamsTable.Type.STRING ? String.valueOf(o) : o);
            }
          }
        }
        if (type != HParamsTable.Type.NUMBER) {
          // the values held, with any declared ones, so that a filter can offer each
          TreeSet<Object> all = new TreeSet<>(Comparator.comparing(String::valueOf));
          if (domain != null) {
            all.addAll(domain);
          }
          for (HParamsTable.Row r : rows) {
            Object v = r.values().get(name);
            if (v != null) {
              all.add(type == HParamsTable.Type.STRING ? String.valueOf(v) : v);
            }
          }
          domain = new ArrayList<>(all);
        }
        List<Double> interval = info == null || info.domainInterval() == null ? null
            : List.of(info.domainInterval().minValue(), info.domainInterval().maxValue());
        out.add(new HParamsTable.Column(name, HParamsTable.Kind.HPARAM, type, domain, interval,
            info == null ? "" : info.displayName(), info == null ? "" : info.description()));
      }
      for (Map.Entry<String, String[]> e : metrics.entrySet()) {
        out.add(new HParamsTable.Column(e.getKey(), HParamsTable.Kind.METRIC, HParamsTable.Type.NUMBER, null, null,
            e.getValue()[0], e.getValue()[1]));
      }
      return out;
    }
  }
}
