package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.writer.SummaryWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export read back by the programs it is for, with their default options: pandas'
 * {@code read_csv} and {@code read_json(lines=True)}, and R's {@code read.csv}. Every run, tag, step,
 * wall time and value comes back as written: values bit for bit (nan as NaN), from random 32-bit
 * patterns (subnormals, -0.0, the infinities, NaNs); wall times of 16 to 17 digits; runs and tags with
 * commas, quotes, line breaks, leading spaces and non-ASCII letters.
 *
 * <p>Each reader writes what it read to binary files (steps as int64 or double, times and values as
 * float64, strings NUL-terminated), which this test compares with what it logged.
 *
 * <p>Needs {@code /usr/bin/python3} with pandas ({@code -Dtrainscope.python=PATH} for another) and
 * {@code Rscript} ({@code -Dtrainscope.rscript=PATH}); ./test installs Debian's python3-pandas and
 * r-base-core when they are missing. Without them the test fails, naming what to install, unless
 * {@code -Dtrainscope.readers=skip} is given.
 */
class ExportReadersTest {
  static final String[] RUNS = {"plain", "lr=0.1,bs=32", " lead \"quoted\"", "ünïcødé/ß", "line\nbreak"};
  static final String[] TAGS = {"loss", "val/acc,top1", "say \"hi\"", "∂loss/∂w", "#hash 'single'"};
  static final int POINTS_PER_SERIES = 800;

  @TempDir
  static Path tmp;
  static Path logdir;
  /** What was logged, in the export's order (runs and tags sorted, steps ascending). */
  static final List<String> runs = new ArrayList<>();
  static final List<String> tags = new ArrayList<>();
  static long[] steps;
  static double[] walls;
  static float[] values;

  @BeforeAll
  static void log() throws IOException {
    Assumptions.assumeFalse("skip".equalsIgnoreCase(System.getProperty("trainscope.readers", "")),
        "-Dtrainscope.readers=skip");
    logdir = tmp.resolve("logs");
    SplittableRandom random = new SplittableRandom(20261207);
    int n = RUNS.length * TAGS.length * POINTS_PER_SERIES;
    steps = new long[n];
    walls = new double[n];
    values = new float[n];
    String[] sortedRuns = RUNS.clone();
    String[] sortedTags = TAGS.clone();
    Arrays.sort(sortedRuns);
    Arrays.sort(sortedTags);
    int i = 0;
    for (String run : sortedRuns) {
      try (SummaryWriter log = SummaryWriter.builder(logdir.resolve(run.replace('/', '_'))).build()) {
        for (String tag : sortedTags) {
          long step = random.nextLong(1 << 20);
          for (int k = 0; k < POINTS_PER_SERIES; k++) {
            step += 1 + random.nextLong(1L << 30); // beyond int32, well inside a double's exact integers
            double wall = 1.6e9 + random.nextDouble() * 3e8;
            float value = switch (k) {
              case 0 -> Float.NaN;
              case 1 -> Float.POSITIVE_INFINITY;
              case 2 -> Float.NEGATIVE_INFINITY;
              case 3 -> -0.0f;
              case 4 -> Float.MIN_VALUE;
              case 5 -> -Float.MAX_VALUE;
              case 6 -> 0.1f;
              default -> Float.intBitsToFloat(random.nextInt());
            };
            log.scalar(tag, value, step, wall);
            runs.add(run.replace('/', '_'));
            tags.add(tag);
            steps[i] = step;
            walls[i] = wall;
            values[i] = value;
            i++;
          }
        }
      }
    }
    // the export sorts runs by their folder names; '/' became '_', which keeps the order of these names
  }

  static Path export(String format) {
    Path out = tmp.resolve("export." + format);
    InspectCommandTest.Run r = InspectCommandTest.run("export", logdir.toString(), "--format", format, "-o",
        out.toString());
    assertEquals(0, r.status(), r.err());
    return out;
  }

  @Test
  void pandas_readCsvAndReadJson_everyPointAsLogged() throws Exception {
    Path csv = export("csv");
    Path json = export("json");
    String script = """
        import sys, numpy as np, pandas as pd
        def dump(d, prefix):
            for col in ("run", "tag"):
                with open(prefix + col, "wb") as f:
                    f.write(b"".join(s.encode("utf-8") + b"\\0" for s in d[col]))
            d["step"].to_numpy(dtype="<i8").tofile(prefix + "step")
            d["wall_time"].to_numpy(dtype="<f8").tofile(prefix + "wall_time")
            d["value"].to_numpy(dtype="<f8").tofile(prefix + "value")
        dump(pd.read_csv(sys.argv[1]), sys.argv[3] + "csv.")
        dump(pd.read_csv(sys.argv[1], float_precision="round_trip"), sys.argv[3] + "exact.")
        dump(pd.read_json(sys.argv[2], lines=True, convert_dates=False), sys.argv[3] + "json.")
        d = pd.read_json(sys.argv[2], lines=True)
        assert str(d["wall_time"].dtype) == "datetime64[ns]", d["wall_time"].dtype
        d["wall_time"].to_numpy(dtype="<i8").tofile(sys.argv[3] + "dates")
        """;
    Path out = tmp.resolve("pandas-");
    run(List.of(python(), "-c", script, csv.toString(), json.toString(), out.toString()), "pandas",
        "Debian's python3-pandas", "-Dtrainscope.python=PATH");
    // pandas' default parser of decimals is fast, not exact: wall times of 17 digits come within 2 units in
    // the last place (under a microsecond); its round_trip parser reads them bit for bit
    assertReadBack(out + "csv.", false, 2, "pandas.read_csv");
    assertReadBack(out + "exact.", false, 0, "pandas.read_csv(float_precision='round_trip')");
    assertReadBack(out + "json.", false, 0, "pandas.read_json(lines=True, convert_dates=False)");
    // read_json's defaults take a column named *_time for dates: wall_time comes as datetime64[ns]
    ByteBuffer dates = le(Path.of(out + "dates"));
    for (int i = 0; i < steps.length; i++) {
      long ns = dates.getLong(i * 8);
      assertTrue(Math.abs(ns - walls[i] * 1e9) <= 1000, "read_json's date " + ns + " for " + walls[i]);
    }
  }

  @Test
  void r_readCsv_everyPointAsLogged() throws Exception {
    Path csv = export("csv");
    String script = """
        a <- commandArgs(trailingOnly = TRUE)
        d <- read.csv(a[1], encoding = "UTF-8")
        out <- function(col, x) { con <- file(paste0(a[2], col), "wb"); writeBin(x, con, endian = "little"); close(con) }
        out("run", enc2utf8(d$run)); out("tag", enc2utf8(d$tag))
        out("step", as.double(d$step)); out("wall_time", d$wall_time); out("value", d$value)
        """;
    Path out = tmp.resolve("r-");
    run(List.of(rscript(), "-e", script, csv.toString(), out.toString()), "R", "Debian's r-base-core",
        "-Dtrainscope.rscript=PATH");
    // R's parser of decimals misses a few wall times of 17 digits by one unit in the last place
    assertReadBack(out.toString(), true, 1, "R read.csv");
  }

  /**
   * Asserts that a reader read every point as logged: runs, tags and steps exactly, each value as the
   * logged float (the double read, rounded to a float, is that float bit for bit: the export writes a
   * float's own shortest digits, "0.1" for 0.1f, which read as the double 0.1), and each wall time
   * within {@code wallUlps} units in the last place of the logged double (0: bit for bit).
   */
  private void assertReadBack(String prefix, boolean stepsAsDoubles, int wallUlps, String reader) throws IOException {
    assertEquals(runs, strings(Path.of(prefix + "run")), reader + ": runs");
    assertEquals(tags, strings(Path.of(prefix + "tag")), reader + ": tags");
    ByteBuffer step = le(Path.of(prefix + "step"));
    ByteBuffer wall = le(Path.of(prefix + "wall_time"));
    ByteBuffer value = le(Path.of(prefix + "value"));
    assertEquals(steps.length * 8, value.remaining(), reader + ": points");
    int offByOne = 0;
    long maxUlps = 0;
    for (int i = 0; i < steps.length; i++) {
      String at = reader + ", point " + i + " (" + runs.get(i) + ", " + tags.get(i) + ")";
      long s = stepsAsDoubles ? (long) step.getDouble(i * 8) : step.getLong(i * 8);
      assertEquals(steps[i], s, at + ": step");
      double w = wall.getDouble(i * 8);
      long ulps = Math.abs(Double.doubleToRawLongBits(w) - Double.doubleToRawLongBits(walls[i]));
      assertTrue(ulps <= wallUlps, at + ": wall time " + walls[i] + " read as " + w + ", " + ulps + " ulps off");
      offByOne += ulps == 0 ? 0 : 1;
      maxUlps = Math.max(maxUlps, ulps);
      double v = value.getDouble(i * 8);
      if (Float.isNaN(values[i])) {
        assertTrue(Double.isNaN(v), at + ": NaN read as " + v);
      } else {
        assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits((float) v),
            at + ": value " + values[i] + " read as " + v);
      }
    }
    System.out.printf("%s: %d of %d wall times not bit for bit, at most %d ulps%n", reader, offByOne, steps.length, maxUlps);
  }

  private static ByteBuffer le(Path p) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static List<String> strings(Path p) throws IOException {
    String all = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(all.split("\0", -1)));
    assertEquals("", out.remove(out.size() - 1), p + " ends with a NUL");
    return out;
  }

  static String python() {
    String p = System.getProperty("trainscope.python", "");
    return p.isBlank() || p.equalsIgnoreCase("skip") ? "/usr/bin/python3" : p;
  }

  static String rscript() {
    String p = System.getProperty("trainscope.rscript", "");
    return p.isBlank() ? "Rscript" : p;
  }

  private static void run(List<String> cmd, String what, String pkg, String option) throws Exception {
    Path log = Files.createTempFile(tmp, what, ".log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError(cmd.get(0) + " cannot be started (" + e.getMessage() + "): this test reads the export"
          + " with " + what + ". Install " + pkg + " (./test does) or point " + option + " at one", e);
    }
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(what + " did not finish in 300 s: " + Files.readString(log));
    }
    assertEquals(0, p.exitValue(), what + " failed (install " + pkg + " if it is missing; ./test does): "
        + Files.readString(log));
  }
}
