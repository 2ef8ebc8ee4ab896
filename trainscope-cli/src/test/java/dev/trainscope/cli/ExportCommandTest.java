package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.writer.SummaryWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainscope export}: the file it writes, its filters, standard output, and each refusal
 * with its exit status and message.
 */
class ExportCommandTest {

  static Path logdir(Path dir) throws Exception {
    for (String run : new String[] {"b", "a,1"}) {
      try (SummaryWriter log = SummaryWriter.builder(dir.resolve(run)).build()) {
        for (int s = 0; s < 3; s++) {
          log.scalar("loss", 1.0f / (s + 1), s, 1_796_628_416.58 + s);
          log.scalar("acc", s == 1 ? Float.NaN : 0.5f, s, 1_796_628_416.58 + s);
          log.histogram("w", new float[] {1, 2, 3}, s);
        }
      }
    }
    return dir;
  }

  @Test
  void export_toFile_everyPointInOrder_csv(@TempDir Path tmp) throws Exception {
    Path dir = logdir(tmp.resolve("logs"));
    Path out = tmp.resolve("out.csv");
    InspectCommandTest.Run r = InspectCommandTest.run("export", dir.toString(), "-o", out.toString());
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.out());
    assertEquals("trainscope export: 12 points of 4 series from 2 runs to " + out, r.err().lines().toList().get(0)
        .replaceAll(" in [0-9.]+ s$", ""));
    assertEquals("""
        run,tag,step,wall_time,value
        "a,1",acc,0,1796628416.58,0.5
        "a,1",acc,1,1796628417.58,nan
        "a,1",acc,2,1796628418.58,0.5
        "a,1",loss,0,1796628416.58,1.0
        "a,1",loss,1,1796628417.58,0.5
        "a,1",loss,2,1796628418.58,0.33333334
        b,acc,0,1796628416.58,0.5
        b,acc,1,1796628417.58,nan
        b,acc,2,1796628418.58,0.5
        b,loss,0,1796628416.58,1.0
        b,loss,1,1796628417.58,0.5
        b,loss,2,1796628418.58,0.33333334
        """, Files.readString(out));
  }

  @Test
  void export_filtersAndJson_toStandardOutput(@TempDir Path tmp) throws Exception {
    Path dir = logdir(tmp);
    PrintStream stdout = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InspectCommandTest.Run r;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      r = InspectCommandTest.run("export", dir.toString(), "--runs", "^B$", "--tags", "LOSS", "--format", "json",
          "--threads", "1");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, r.status(), r.err());
    assertEquals("""
        {"run":"b","tag":"loss","step":0,"wall_time":1796628416.58,"value":1.0}
        {"run":"b","tag":"loss","step":1,"wall_time":1796628417.58,"value":0.5}
        {"run":"b","tag":"loss","step":2,"wall_time":1796628418.58,"value":0.33333334}
        """, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void export_refusals_exitStatusAndMessage(@TempDir Path tmp) throws Exception {
    Path dir = logdir(tmp.resolve("logs"));
    assertRefused(2, "trainscope export: not a directory: " + tmp.resolve("nope"), "export", tmp.resolve("nope").toString());
    assertRefused(2, "trainscope export: --tags is not a regular expression (RE2 syntax): error parsing regexp: missing"
        + " closing ): `(?i)(`", "export", dir.toString(), "--tags", "(");
    assertRefused(2, "trainscope export: --runs is not a regular expression (RE2 syntax): error parsing regexp: invalid"
        + " named capture: `(?<=a)b`", "export", dir.toString(), "--runs", "(?<=a)b");
    assertRefused(2, "trainscope export: --threads must be between 1 and 256, was 0", "export", dir.toString(),
        "--threads", "0");
    assertRefused(2, "trainscope export: the format must be csv or json, was 'xlsx'", "export", dir.toString(),
        "--format", "xlsx");
    Path unwritable = tmp.resolve("no/such/dir/out.csv");
    assertRefused(2, "trainscope export: cannot write " + unwritable + ": no such file or directory: " + unwritable,
        "export", dir.toString(), "-o", unwritable.toString());
    assertRefused(1, "trainscope export: no scalar points matched in " + dir + " (--tags w)", "export", dir.toString(),
        "--tags", "w", "-o", tmp.resolve("x.csv").toString());
  }

  static void assertRefused(int status, String message, String... args) {
    InspectCommandTest.Run r = InspectCommandTest.run(args);
    assertEquals(status, r.status(), r.err());
    assertEquals(List.of(message), r.err().lines().toList());
  }

  @Test
  void export_damagedFile_exportsWhatIsReadable_warns_exit3(@TempDir Path tmp) throws Exception {
    Path dir = logdir(tmp.resolve("logs"));
    Path file;
    try (var files = Files.list(dir.resolve("b"))) {
      file = files.filter(f -> f.getFileName().toString().contains("tfevents")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 5] ^= 0x40; // the last record's data checksum fails
    Files.write(file, bytes);
    Path out = tmp.resolve("out.csv");
    InspectCommandTest.Run r = InspectCommandTest.run("export", dir.toString(), "-o", out.toString());
    assertEquals(3, r.status(), r.err());
    List<String> err = r.err().lines().toList();
    assertTrue(err.get(0).startsWith("trainscope export: warning: " + file + " at byte "), err.get(0));
    assertTrue(err.get(1).startsWith("trainscope export: "), err.get(1));
    assertTrue(Files.readAllLines(out).size() >= 11, "the readable points are written");
  }
}
