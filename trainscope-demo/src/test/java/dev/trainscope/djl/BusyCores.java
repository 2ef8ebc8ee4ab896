package dev.trainscope.djl;

import java.util.ArrayList;
import java.util.List;

/**
 * One busy thread per core, competing with the engine's threads for the CPU while open: what a
 * loaded machine does to a training, on a quiet one. The engine's threads then lose their core in
 * the middle of an operation, where a race between them shows.
 */
final class BusyCores implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  /** Where the spinning threads leave their result, so that the loop is not optimised away. */
  private volatile long sink;

  BusyCores() {
    int n = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(this::spin, "busy-core-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void spin() {
    long x = Thread.currentThread().getId();
    while (running) {
      for (int i = 0; i < 1_000_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join();
    }
  }
}
