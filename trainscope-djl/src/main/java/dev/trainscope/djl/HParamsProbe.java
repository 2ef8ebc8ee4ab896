package dev.trainscope.djl;

import ai.djl.training.evaluator.Evaluator;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.SessionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's hyperparameters as TensorBoard's hparams session, with the validation and training
 * metrics when those are logged: started when training begins, ended when it ends.
 */
final class HParamsProbe extends Probe {
  private final Map<String, Object> hparams;
  private final boolean metrics;

  /**
   * @param hparams the values, or null for no session
   * @param metrics whether the metrics are logged, so that the session names them
   */
  HParamsProbe(Map<String, Object> hparams, boolean metrics) {
    super("hparams", null);
    this.hparams = hparams;
    this.metrics = metrics;
  }

  @Override
  boolean enabled() {
    return hparams != null;
  }

  @Override
  void begin(Context c) {
    List<HParam> infos = new ArrayList<>();
    for (Map.Entry<String, Object> e : hparams.entrySet()) {
      Object v = e.getValue();
      HParam.Type type = v instanceof Number ? HParam.Type.FLOAT64
          : v instanceof Boolean ? HParam.Type.BOOL : HParam.Type.STRING;
      infos.add(HParam.of(e.getKey(), type));
    }
    List<HParamMetric> ms = new ArrayList<>();
    if (metrics) {
      for (Evaluator e : c.evaluators) {
        ms.add(new HParamMetric(c.metricTag(e, true), "", "", "", HParamMetric.Dataset.VALIDATION));
        ms.add(new HParamMetric(c.metricTag(e, false), "", "", "", HParamMetric.Dataset.TRAINING));
      }
    }
    c.log.hparamsExperiment(infos, ms);
    c.log.hparamsSessionStart(hparams);
  }

  @Override
  void close(Context c) {
    c.log.hparamsSessionEnd(SessionStatus.SUCCESS);
  }
}
