package dev.trainscope.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What Ctrl-C and SIGTERM do to a serving command: close the server and the store, and count down
 * {@code stopped}; if closing has not finished within {@link #GRACE_SECONDS} (a layout, a load or
 * a diagnosis that does not stop at once), end the process anyway.
 */
final class Shutdown {
  static final long GRACE_SECONDS = 3;

  private Shutdown() {}

  static Thread hook(CountDownLatch stopped, AutoCloseable... closing) {
    return new Thread(() -> {
      Thread closer = new Thread(() -> {
        for (AutoCloseable c : closing) {
          try {
            c.close();
          } catch (Exception e) {
            // stopping anyway
          }
        }
        stopped.countDown();
      }, "trainscope-close");
      closer.setDaemon(true);
      closer.start();
      try {
        if (!stopped.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
          System.err.println("trainscope: work under way did not stop within " + GRACE_SECONDS + " s; exiting anyway");
          System.err.flush();
          Runtime.getRuntime().halt(143); // as a process ended by SIGTERM
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "trainscope-shutdown");
  }
}
