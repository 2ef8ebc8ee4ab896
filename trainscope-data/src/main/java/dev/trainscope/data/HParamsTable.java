package dev.trainscope.data;

import java.util.List;
import java.util.Map;

/**
 * Runs x hyperparameters x final metrics, for comparing trials: one row per run that logged a
 * session (hparams plugin, as TensorFlow's hparams API, PyTorch's add_hparams, Lightning and this
 * project's writer log it).
 *
 * @param hparams the hyperparameter names: those of the sessions' experiments and of the sessions
 *     themselves, in the order of the sessions
 * @param metrics the metric tags of the sessions' experiments (a log directory may hold several),
 *     in the order of the sessions; each row has those of its own experiment
 */
public record HParamsTable(List<String> hparams, List<String> metrics, List<Row> rows) {
  public HParamsTable {
    hparams = List.copyOf(hparams);
    metrics = List.copyOf(metrics);
    rows = List.copyOf(rows);
  }

  /**
   * One session.
   *
   * @param values hyperparameter values: Double, String or Boolean
   * @param metrics the last value of each metric tag of the session's experiment in the run (and its
   *     sub-runs), NaN when not logged; another experiment's metrics are absent
   * @param status "STATUS_SUCCESS", ..., or "" when no session end was logged
   */
  public record Row(String run, Map<String, Object> values, Map<String, Double> metrics, String status,
      double startTime, double endTime) {
    public Row {
      values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
      metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
  }
}
