package dev.trainscope.diagnose;

/** Which data a metric was computed on. */
public enum Split {
  TRAIN,
  VALIDATION,
  /** Not said by the tag or the run. */
  UNKNOWN
}
