package dev.trainscope.writer;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CrashTest}: {@code kill} logs {@code n} scalars, flushes, says so on
 * stdout and goes on logging until it is killed; {@code exit} logs {@code n} scalars and returns
 * from main without closing or flushing.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    int n = Integer.parseInt(args[2]);
    SummaryWriter w = SummaryWriter.create(dir);
    for (int i = 0; i < n; i++) {
      w.scalar("flushed", i, i);
      if (i % 100 == 0) {
        w.text("notes", "step " + i, i);
      }
    }
    if (mode.equals("exit")) {
      System.out.println("LOGGED " + n);
      return; // the writer is never closed: its shutdown hook must write what was logged
    }
    w.flush();
    System.out.println("FLUSHED " + n);
    System.out.flush();
    for (long i = 0; ; i++) {
      w.scalar("after", i, i);
      if (i % 10_000 == 0) {
        Thread.sleep(1);
      }
    }
  }
}
