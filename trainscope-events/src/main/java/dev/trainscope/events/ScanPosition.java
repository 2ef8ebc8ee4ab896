package dev.trainscope.events;

/**
 * Where a scan of a file starts or resumes.
 *
 * @param offset the file offset of the next byte to examine
 * @param resynchronizing true when the scan stopped while searching for a valid record after
 *     corruption: the next scan keeps searching from {@code offset} without reporting the same
 *     corruption again
 * @param searchFrom while resynchronizing, the offset of the damaged record the search began at
 *     (for the report of where the search ends); else {@code offset}
 * @param damagedEnd while searching inside a record whose data checksum failed, the end of that
 *     record: a record found before it ends the search, else the search gives up there and the scan
 *     goes on after the damaged record; -1 otherwise
 */
public record ScanPosition(long offset, boolean resynchronizing, long searchFrom, long damagedEnd) {
  public static final ScanPosition START = new ScanPosition(0, false);

  public ScanPosition {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    if (searchFrom < 0 || searchFrom > offset) {
      throw new IllegalArgumentException("searchFrom must be in 0.." + offset + ", was " + searchFrom);
    }
    if (damagedEnd != -1 && (!resynchronizing || damagedEnd < offset)) {
      throw new IllegalArgumentException("damagedEnd must be -1, or at least offset " + offset
          + " while resynchronizing, was " + damagedEnd);
    }
  }

  /** A position where a search starts afresh: {@code searchFrom} is the offset itself. */
  public ScanPosition(long offset, boolean resynchronizing) {
    this(offset, resynchronizing, offset, -1);
  }

  public static ScanPosition at(long offset) {
    return new ScanPosition(offset, false);
  }
}
