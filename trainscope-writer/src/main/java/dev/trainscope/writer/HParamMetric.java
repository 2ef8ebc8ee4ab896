package dev.trainscope.writer;

import dev.trainscope.events.plugins.HParamsPluginData;

/**
 * A metric of an hparams experiment ({@code MetricInfo}): the scalar tag whose values TensorBoard
 * shows beside each session's hyperparameters.
 *
 * @param group the run, relative to the session's run, that holds the tag ("" for the session's
 *     own run; Keras uses "train" and "validation")
 * @param displayName "" for the tag itself
 */
public record HParamMetric(String tag, String group, String displayName, String description, Dataset dataset) {

  /** Which data the metric is computed on ({@code DatasetType}). */
  public enum Dataset {
    UNKNOWN(HParamsPluginData.DATASET_UNKNOWN),
    TRAINING(HParamsPluginData.DATASET_TRAINING),
    VALIDATION(HParamsPluginData.DATASET_VALIDATION);

    private final int code;

    Dataset(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  public HParamMetric {
    Require.tag(tag, "tag");
    Require.nonNull(group, "group");
    Require.nonNull(displayName, "displayName");
    Require.nonNull(description, "description");
    Require.nonNull(dataset, "dataset");
  }

  /** The metric of a scalar tag in the session's own run. */
  public static HParamMetric of(String tag) {
    return new HParamMetric(tag, "", "", "", Dataset.UNKNOWN);
  }

  HParamsPluginData.MetricInfo toInfo() {
    return new HParamsPluginData.MetricInfo(new HParamsPluginData.MetricName(group, tag), displayName,
        description, dataset.code());
  }
}
