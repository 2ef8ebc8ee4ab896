package dev.trainscope.events;

/**
 * Where a scan of a file starts or resumes.
 *
 * @param offset the file offset of the next byte to examine
 * @param resynchronizing true when the scan stopped while searching for a valid record after
 *     corruption: the next scan keeps searching from {@code offset} without reporting the same
 *     corruption again
 */
public record ScanPosition(long offset, boolean resynchronizing) {
  public static final ScanPosition START = new ScanPosition(0, false);

  public ScanPosition {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
  }

  public static ScanPosition at(long offset) {
    return new ScanPosition(offset, false);
  }
}
