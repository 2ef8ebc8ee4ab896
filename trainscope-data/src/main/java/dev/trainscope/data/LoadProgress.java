package dev.trainscope.data;

/**
 * How far loading has got: for a progress bar.
 *
 * @param bytesRead bytes of event files read, over all runs
 * @param bytesKnown their total size when last listed
 * @param runsLoaded runs read to the end of every file
 * @param runsKnown runs discovered
 * @param firstPollDone the first listing of the log directory finished
 */
public record LoadProgress(long bytesRead, long bytesKnown, int runsLoaded, int runsKnown, boolean firstPollDone) {

  /** Read everything listed so far (after the first listing). */
  public boolean done() {
    return firstPollDone && bytesRead >= bytesKnown && runsLoaded == runsKnown;
  }

  /** Fraction of known bytes read, 0..1. */
  public double fraction() {
    return bytesKnown == 0 ? (firstPollDone ? 1 : 0) : Math.min(1, (double) bytesRead / bytesKnown);
  }
}
