package dev.trainscope.writer;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What travels through the ring besides scalars, which travel as their {@link Tag}. */
final class Items {
  private Items() {}

  /**
   * A value encoded on the logging thread: {@code body} holds the {@code Summary.Value} fields after
   * the tag (the {@code tensor} field, with key and length).
   *
   * @param metadataField metadata for this value whatever came before (hparams carry their data in
   *     it), or null to use the tag's first-value metadata
   */
  record Payload(Tag tag, byte[] body, byte[] metadataField) {}

  /**
   * An event that carries no summary: {@code what} holds one field of the Event's {@code oneof
   * what} (a {@code graph_def}), with key and length, encoded on the logging thread.
   */
  record Bare(Run run, byte[] what) {}

  /** Asks the consumer to hand everything before it to the OS (and to disk when configured). */
  static final class Flush {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable failure;

    void complete(Throwable failure) {
      this.failure = failure;
      done.countDown();
    }

    /**
     * Waits for the consumer, keeping (not acting on) an interrupt. Returns the failure, if any,
     * also when the consumer thread ended without reaching this request.
     */
    Throwable await(EventRing ring) {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            if (done.await(10, TimeUnit.MILLISECONDS)) {
              return failure;
            }
          } catch (InterruptedException e) {
            interrupted = true;
            continue;
          }
          if (ring.consumerDone && done.getCount() > 0) {
            Throwable f = ring.failure();
            return f != null ? f : new IOException("the writer thread ended before the flush");
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Asks the consumer to write and close one run's file (a finished hparams session). */
  record CloseRun(Run run) {}
}
