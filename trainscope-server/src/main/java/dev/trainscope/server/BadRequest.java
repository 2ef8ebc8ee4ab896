package dev.trainscope.server;

/** A request the API cannot answer as asked: answered 400 with this message as plain text. */
final class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadRequest(String message) {
    super(message);
  }
}
