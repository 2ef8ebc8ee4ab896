package dev.trainscope.cli;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.trainscope.data.ScalarExport;
import dev.trainscope.data.ScalarExportWriter;
import dev.trainscope.data.Storage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trainscope export LOGDIR [--runs REGEX] [--tags REGEX] [--format csv|json] [-o FILE]}:
 * every scalar point of the matching runs and tags, in long format (run, tag, step, wall_time,
 * value), streamed from the event files (see {@link ScalarExport} for the order and the memory it
 * takes, {@link ScalarExportWriter} for the format).
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write every scalar point of a log directory in long format (run, tag, step, wall_time, value),",
      "as CSV or JSON Lines that pandas and R read directly: runs by name, tags by name, points by step,",
      "after TensorBoard's restart rules. Streamed: memory stays bounded whatever the log directory's size.",
      "Exit status: 0 done, 1 nothing matched, 2 bad usage, 3 done but a file was damaged or unreadable",
      "(what could be read is exported; the damage is listed on stderr)."})
final class ExportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "LOGDIR", description = "A log directory: a local path or s3://BUCKET/PREFIX.")
  String logdir;

  @Option(names = "--runs", paramLabel = "REGEX", description = {
      "Only runs whose name matches (RE2 syntax, any case, found anywhere in the name, as the",
      "dashboard's filters). The run at the log directory's root is named '.'."})
  String runs;

  @Option(names = "--tags", paramLabel = "REGEX", description = "Only tags whose name matches (the same syntax).")
  String tags;

  @Option(names = "--format", paramLabel = "csv|json", description = "csv (default) or json (JSON Lines: an object a line).")
  String format = "csv";

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Option(names = "--threads", paramLabel = "N", description = {
      "Runs read at once, each by a thread of its own (default: the cores, at most 4); the output",
      "is the same whatever N."})
  Integer threads;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return export(err);
    } finally {
      err.flush();
    }
  }

  private int export(PrintWriter err) throws IOException {
    String problem = Logdirs.problem(logdir);
    if (problem != null) {
      return usage(err, problem);
    }
    ScalarExportWriter.Format f;
    Predicate<String> runFilter;
    Predicate<String> tagFilter;
    try {
      f = ScalarExportWriter.Format.parse(format);
      runFilter = filter("--runs", runs);
      tagFilter = filter("--tags", tags);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    int n = threads != null ? threads : Math.min(4, Runtime.getRuntime().availableProcessors());
    if (n < 1 || n > 256) {
      return usage(err, "--threads must be between 1 and 256, was " + n);
    }
    OutputStream out;
    if (output == null) {
      out = System.out;
    } else {
      try {
        out = Files.newOutputStream(output);
      } catch (IOException e) {
        return usage(err, "cannot write " + output + ": " + reason(e));
      }
    }
    long t0 = System.nanoTime();
    ScalarExport.Summary s;
    try (Storage storage = Storage.at(logdir)) {
      ScalarExportWriter w = ScalarExportWriter.of(f, new BufferedOutputStream(out, 1 << 16));
      s = new ScalarExport(ScalarExport.defaultBudget(), n, m -> err.println("trainscope export: warning: "
          + Terminal.safe(m))).export(storage, runFilter, tagFilter, w);
    } catch (IOException e) {
      err.println("trainscope export: " + Terminal.safe(reason(e)));
      return 2;
    } finally {
      if (output != null) {
        out.close();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (s.points() == 0) {
      List<String> given = new ArrayList<>();
      if (runs != null) {
        given.add("--runs " + runs);
      }
      if (tags != null) {
        given.add("--tags " + tags);
      }
      err.println("trainscope export: no scalar points matched in " + Terminal.safe(logdir)
          + (given.isEmpty() ? "" : " (" + Terminal.safe(String.join(", ", given)) + ")"));
      return 1;
    }
    err.println(String.format(Locale.ROOT, "trainscope export: %,d points of %,d series from %,d runs%s in %.1f s",
        s.points(), s.series(), s.runs(), output == null ? "" : " to " + Terminal.safe(output.toString()), seconds));
    return s.damaged() > 0 ? 3 : 0;
  }

  /** A name filter as the dashboard's: RE2, any case, found anywhere; everything when absent. */
  static Predicate<String> filter(String option, String regex) {
    if (regex == null || regex.isEmpty()) {
      return name -> true;
    }
    try {
      Pattern p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
      return name -> p.matcher(name).find();
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(option + " is not a regular expression (RE2 syntax): " + e.getMessage());
    }
  }

  private static int usage(PrintWriter err, String message) {
    err.println("trainscope export: " + Terminal.safe(message));
    return 2;
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory: " + e.getMessage()
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied: " + e.getMessage()
        : String.valueOf(e.getMessage());
  }
}
