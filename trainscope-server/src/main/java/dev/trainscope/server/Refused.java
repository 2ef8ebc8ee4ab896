package dev.trainscope.server;

/**
 * A request the server will not do as asked, with the HTTP status that says why (403 from another
 * site's page, 413 too large, 415 not JSON, 422 a view too big to lay out, 503 busy or too slow)
 * and a message, as plain text, that tells a person what to do instead.
 */
final class Refused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  Refused(int status, String message) {
    super(message);
    this.status = status;
  }
}
