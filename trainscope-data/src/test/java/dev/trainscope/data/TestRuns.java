package dev.trainscope.data;

import java.io.IOException;
import java.nio.file.Path;

/** For tests of other packages: a run's folder as the store finds it. */
public final class TestRuns {
  private TestRuns() {}

  /** Writes an event file holding only its file version into {@code runDir}, which makes it a run. */
  public static void create(Path runDir) throws IOException {
    TestEvents.write(runDir.resolve(TestEvents.fileName(1)));
  }
}
