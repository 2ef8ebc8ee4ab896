package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that cannot write its event file's first record (a full disk, a quota) throws and leaves
 * no empty event file behind. The failure is real: a child process whose file size limit is 0
 * ({@code ulimit -f 0}; the JVM ignores the signal, so the write fails with "File too large"),
 * which root is held to as well.
 */
class FirstRecordFailureTest {
  @TempDir
  Path dir;

  /** Creates a writer on the directory given and says how it went on standard output. */
  public static final class Child {
    public static void main(String[] args) {
      try (SummaryWriter w = SummaryWriter.create(Path.of(args[0]))) {
        System.out.println("CREATED");
      } catch (UncheckedIOException e) {
        System.out.println("FAILED " + e.getMessage());
      }
    }
  }

  @Test
  void create_firstRecordCannotBeWritten_throwsAndLeavesNoEmptyEventFile() throws Exception {
    Path logdir = dir.resolve("run");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder("bash", "-c", "ulimit -f 0 && exec \"$@\"", "bash", java, "-XX:-UsePerfData",
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
        logdir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertTrue(out.startsWith("FAILED cannot create an event file in " + logdir + ": java.io.IOException: File too large"), out);
    assertEquals(List.of(), files(logdir), "no event file it could not write");
  }

  private static List<Path> files(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }
}
