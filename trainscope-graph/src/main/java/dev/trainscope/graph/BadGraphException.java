package dev.trainscope.graph;

/** A graph file or payload that cannot be read as what it claims to be; the message says where. */
public final class BadGraphException extends RuntimeException {
  public BadGraphException(String message) {
    super(message);
  }

  public BadGraphException(String message, Throwable cause) {
    super(message, cause);
  }
}
