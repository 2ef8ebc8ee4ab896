package dev.trainscope.data;

import java.util.NoSuchElementException;

/** A query named a tag the run does not hold, or a tag of another kind than the query reads. */
public final class NoSuchTagException extends NoSuchElementException {
  private static final long serialVersionUID = 1L;

  private final String run;
  private final String tag;

  public NoSuchTagException(String run, String tag, String why) {
    super(why);
    this.run = run;
    this.tag = tag;
  }

  public NoSuchTagException(String run, String tag) {
    this(run, tag, "run '" + run + "' has no tag '" + tag + "'");
  }

  public String run() {
    return run;
  }

  public String tag() {
    return tag;
  }
}
