package dev.trainscope.events.proto;

/**
 * A protocol buffer message whose bytes do not follow the wire format: a varint longer than ten
 * bytes, a length that runs past its enclosing message, a wire type that is not defined or not the
 * one a known field is declared with, nesting deeper than the reader allows ({@code ProtoReader.MAX_DEPTH}).
 *
 * <p>The offset is relative to the start of the buffer that was handed to the reader, so a caller
 * that knows where that buffer came from (a record at a file offset) can point at the bad byte.
 */
public final class MalformedProtoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public MalformedProtoException(String message, long offset) {
    super(message + " (at byte " + offset + ")");
    this.offset = offset;
  }

  /** The offset of the offending byte within the decoded buffer. */
  public long offset() {
    return offset;
  }
}
