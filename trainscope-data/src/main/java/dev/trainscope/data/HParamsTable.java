package dev.trainscope.data;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs x hyperparameters x metrics, for comparing trials: one row per run that logged a session
 * (hparams plugin, as TensorFlow's hparams API, PyTorch's add_hparams, Lightning and this
 * project's writer log it).
 *
 * @param hparams the hyperparameter names: those of the sessions' experiments and of the sessions
 *     themselves, in the order of the sessions
 * @param metrics the metric labels of the sessions (a log directory may hold several experiments),
 *     in the order of the sessions; each row has those of its own experiment
 * @param columns the hyperparameters, then the metrics, each with its type and domain
 * @param experiments the experiments the sessions belong to, by name (see {@link Row#experiment})
 */
public record HParamsTable(List<String> hparams, List<String> metrics, List<Column> columns, List<Row> rows,
    List<Experiment> experiments) {
  /**
   * A run whose last event is younger than this is taken to be still training (a session that
   * logged no end is {@link State#RUNNING}, else {@link State#FINISHED}, inferred). Trainings log
   * at least every few minutes (an epoch's validation, a step's loss); one silent for longer has
   * stopped or hangs, and a log directory does not say which. The dashboard's Runs tab judges plain
   * runs by the same window (the API hands it over), so the two tabs never disagree.
   */
  public static final Duration LIVE = Duration.ofMinutes(10);

  public HParamsTable {
    hparams = List.copyOf(hparams);
    metrics = List.copyOf(metrics);
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    experiments = List.copyOf(experiments);
  }

  /** An experiment of the log directory: its name and how many sessions belong to it. */
  public record Experiment(String name, int sessions) {
    public Experiment {
      Objects.requireNonNull(name, "name");
    }
  }

  /** What a column holds. */
  public enum Kind { HPARAM, METRIC }

  /** The type of a column's values: numbers (Double), strings or booleans. */
  public enum Type { NUMBER, STRING, BOOL }

  /**
   * A column of the table.
   *
   * @param domain the values a discrete column may take (declared by the experiment, else those
   *     the sessions hold, sorted), null for a numeric column without a declared list
   * @param interval [min, max] declared by the experiment, null when none was
   * @param displayName the experiment's display name, "" when none
   */
  public record Column(String name, Kind kind, Type type, List<Object> domain, List<Double> interval,
      String displayName, String description) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(type, "type");
      domain = domain == null ? null : Collections.unmodifiableList(new java.util.ArrayList<>(domain));
      interval = interval == null ? null : List.copyOf(interval);
    }
  }

  /**
   * A metric of one session over its run: the last value and its step, and the least and greatest
   * finite values (NaN when none).
   */
  public record Metric(String run, String tag, long lastStep, double last, double min, double max) {}

  /** A session's state as a person reads it: its logged status, or what the run's liveness says. */
  public enum State { RUNNING, FINISHED, FAILED }

  /**
   * One session.
   *
   * @param experiment the experiment it belongs to: the run holding the experiment's summary when
   *     that is in a folder above the session; else (the session logged its own, or none) the folder
   *     holding the sessions with the same hyperparameter names, with those names in brackets where
   *     the folder needs telling apart
   * @param runs the session's run first, then the other runs its metrics or curves are in (a
   *     metric's group names a sub-run; PyTorch's add_hparams logs a session into a sub-run of the
   *     training's run)
   * @param values hyperparameter values: Double, String or Boolean
   * @param metrics the last value of each metric of the session's experiment, NaN when not
   *     logged; another experiment's metrics are absent
   * @param stats each logged metric's last, least and greatest value
   * @param status "STATUS_SUCCESS", ..., or "" when no session end was logged
   * @param state the status as running, finished or failed; where the session's end says nothing
   *     (none logged, an unknown status, or one logged together with the start as PyTorch and
   *     Lightning do), inferred from the run's liveness
   * @param stateInferred true when {@code state} was inferred rather than logged
   * @param lastWallTime the latest wall time among {@code runs}, NaN when none
   */
  public record Row(String run, String experiment, List<String> runs, Map<String, Object> values, Map<String, Double> metrics,
      Map<String, Metric> stats, String status, State state, boolean stateInferred, double startTime,
      double endTime, double lastWallTime) {
    public Row {
      Objects.requireNonNull(experiment, "experiment");
      runs = List.copyOf(runs);
      values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
      stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
      Objects.requireNonNull(state, "state");
    }
  }
}
