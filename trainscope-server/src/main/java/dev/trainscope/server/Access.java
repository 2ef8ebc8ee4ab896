package dev.trainscope.server;

/**
 * Who may use a dashboard: anyone who can reach it ({@link #open()}: this machine only, by
 * default), or only those who hold its {@link AccessToken} (a server others can reach).
 */
public sealed interface Access permits Access.Open, AccessToken {

  /** No token asked for: for a server that listens on loopback, or behind a proxy that checks who comes in. */
  static Access open() {
    return Open.INSTANCE;
  }

  /** The one open access. */
  enum Open implements Access {
    INSTANCE
  }
}
