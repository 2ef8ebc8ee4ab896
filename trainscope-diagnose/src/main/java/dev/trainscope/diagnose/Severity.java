package dev.trainscope.diagnose;

/** How bad a finding is. */
public enum Severity {
  /** Worth knowing; nothing to fix. */
  INFO,
  /** Probably hurting the training. */
  WARNING,
  /** The training is broken. */
  ERROR;

  public static Severity parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("severity must be info, warning or error, was '" + s + "'");
    }
  }
}
