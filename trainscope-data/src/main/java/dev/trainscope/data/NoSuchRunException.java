package dev.trainscope.data;

import java.util.NoSuchElementException;

/** A query named a run the store does not hold. */
public final class NoSuchRunException extends NoSuchElementException {
  private static final long serialVersionUID = 1L;

  private final String run;

  public NoSuchRunException(String run) {
    super("no run named '" + run + "'");
    this.run = run;
  }

  public String run() {
    return run;
  }
}
