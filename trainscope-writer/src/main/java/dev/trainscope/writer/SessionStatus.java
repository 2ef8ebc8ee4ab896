package dev.trainscope.writer;

import dev.trainscope.events.plugins.HParamsPluginData;

/** How a training session (one hparams trial) ended, as TensorBoard's hparams plugin knows it. */
public enum SessionStatus {
  UNKNOWN(HParamsPluginData.STATUS_UNKNOWN),
  SUCCESS(HParamsPluginData.STATUS_SUCCESS),
  FAILURE(HParamsPluginData.STATUS_FAILURE),
  RUNNING(HParamsPluginData.STATUS_RUNNING);

  private final int code;

  SessionStatus(int code) {
    this.code = code;
  }

  /** The {@code Status} enum value in {@code api.proto}. */
  int code() {
    return code;
  }
}
