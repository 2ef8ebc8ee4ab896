package dev.trainscope.events;

import java.io.IOException;

/**
 * A record fetched by offset ({@link RecordReader#readAt}) is not what was there when the file was
 * scanned: its checksums fail, its length is impossible, or the file now ends inside it. The
 * message names the file, the offset and what was found against what was expected.
 */
public final class CorruptRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  public CorruptRecordException(String file, long offset, String message) {
    super(message + " (" + file + " at offset " + offset + ")");
    this.file = file;
    this.offset = offset;
  }

  public String file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
