package dev.trainscope.events.meaning;

import java.util.Locale;

/** Which data a quantity was computed on. */
public enum Split {
  TRAIN("train"),
  VALIDATION("val"),
  /** Not said by the tag or its run. */
  UNKNOWN("");

  private final String id;

  Split(String id) {
    this.id = id;
  }

  /** {@code train}, {@code val}, or "" when unknown. */
  public String id() {
    return id;
  }

  /** {@code train}/{@code training} or {@code val}/{@code valid}/{@code validation}/{@code eval}/{@code test}; else UNKNOWN. */
  public static Split parse(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    if (n.equals("train") || n.equals("training")) {
      return TRAIN;
    }
    if (n.equals("val") || n.equals("valid") || n.equals("validation") || n.equals("eval") || n.equals("test")) {
      return VALIDATION;
    }
    return UNKNOWN;
  }
}
