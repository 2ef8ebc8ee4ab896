package dev.trainscope.events;

/**
 * What one scan of a file saw.
 *
 * @param next where the next scan of this file should start
 * @param records complete records whose checksums matched
 * @param events records that decoded as events (records minus malformed events)
 * @param truncated the file ends inside a record (the record at {@code next.offset()})
 * @param trailingBytes bytes after the end of the last valid record (or of the start offset)
 * @param lengthCrcErrors records whose length checksum did not match
 * @param dataCrcErrors records whose data checksum did not match
 * @param impossibleLengths record headers with a length no record can have
 * @param skippedBytes bytes this scan passed over while re-synchronising, up to the valid record it
 *     found, or up to where it stopped when the search goes on
 * @param malformedEvents records whose data was not a valid Event
 * @param malformedValues summary values that could not be decoded
 * @param bytesRead bytes consumed from the file by this scan
 * @param reachedLimit the scan stopped at its byte limit: more records may follow {@code next}
 */
public record ScanResult(
    String file,
    ScanPosition start,
    ScanPosition next,
    long records,
    long events,
    boolean truncated,
    long trailingBytes,
    long lengthCrcErrors,
    long dataCrcErrors,
    long impossibleLengths,
    long skippedBytes,
    long malformedEvents,
    long malformedValues,
    long bytesRead,
    boolean reachedLimit) {

  /** True when the scan met damage (not merely a truncated tail). */
  public boolean hasCorruption() {
    return lengthCrcErrors + dataCrcErrors + impossibleLengths + malformedEvents + malformedValues > 0
        || skippedBytes > 0 || next.resynchronizing();
  }
}
