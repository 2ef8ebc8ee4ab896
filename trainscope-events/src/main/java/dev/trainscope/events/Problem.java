package dev.trainscope.events;

import java.util.Objects;

/**
 * Something wrong in an event file, found while scanning: what, where, and in words.
 *
 * @param file the file's path or name as the scanner was given it
 * @param offset the file offset of the record (or byte) concerned
 */
public record Problem(Kind kind, String file, long offset, String message) {

  /** The kinds of trouble a scan reports. */
  public enum Kind {
    /**
     * The file ends inside a record: normal while a writer is still writing. The scan stops at the
     * record's start, and the next scan resumes there.
     */
    TRUNCATED_RECORD(false),
    /** The masked CRC32C of a record's length field does not match: the header is corrupt. */
    LENGTH_CRC_MISMATCH(true),
    /** A length larger than any record can be; nothing is allocated for it. */
    IMPOSSIBLE_LENGTH(true),
    /** The masked CRC32C of a record's data does not match; the record is skipped. */
    DATA_CRC_MISMATCH(true),
    /** After a corrupt header, the scan found the next valid record; bytes in between were skipped. */
    RESYNCHRONIZED(true),
    /** The scan reached the end of the file while looking for a valid record after corruption. */
    CORRUPT_TAIL(true),
    /** A record whose data is not a valid Event protocol buffer; skipped. */
    MALFORMED_EVENT(true),
    /** A Summary.Value (or a payload inside it) that is not valid; skipped, the rest of the event kept. */
    MALFORMED_VALUE(true),
    /** Reading the file failed. */
    IO_ERROR(true);

    private final boolean corruption;

    Kind(boolean corruption) {
      this.corruption = corruption;
    }

    /** True for damage; false for a truncated tail, which a live writer leaves behind normally. */
    public boolean isCorruption() {
      return corruption;
    }
  }

  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return kind + " in " + file + " at offset " + offset + ": " + message;
  }
}
