package dev.trainscope.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainscope.events.FileInventory;
import dev.trainscope.events.FileInventory.TagStats;
import dev.trainscope.events.Problem;
import dev.trainscope.events.ScanResult;
import dev.trainscope.data.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trainscope inspect PATH [--json]}: what is on disk in each event file, in file order,
 * without TensorBoard's rewriting. Exit status 0, 1 when any file had problems (truncation,
 * checksum errors, undecodable events), 2 for a bad command line or a path that does not exist.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Print what each event file holds, as it is on disk: records, events, file version, problems,",
      "and per tag the value kind, plugin, count, steps and, for scalars, the first and last 3 points.",
      "Exit status: 0 clean, 1 if any file had problems, 2 for bad usage."})
final class InspectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "PATH",
      description = "An event file, or a log directory to search recursively; a local path or s3://BUCKET/PREFIX.")
  String path;

  @Option(names = "--json", description = "Print one JSON document instead of tables.")
  boolean json;

  @Option(names = "--runs", description = {
      "Print the run view instead: the runs of a log directory after discovery and restart rules,",
      "with plugin names as TensorBoard reports them."})
  boolean runs;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    boolean url = Storage.isUrl(path);
    if (url ? Logdirs.problem(path) != null : !Files.exists(Path.of(path))) {
      err.println("trainscope inspect: " + Terminal.safe(url ? Logdirs.problem(path) : "no such file or directory: " + path));
      err.flush();
      return 2;
    }
    if (runs) {
      return RunsReport.print(path, json, spec.commandLine().getOut(), err);
    }
    List<Inspected> results;
    try {
      results = url ? inspectUrl(path) : inspectLocal(Path.of(path));
    } catch (IOException e) {
      err.println("trainscope inspect: " + Terminal.safe(String.valueOf(e.getMessage())));
      err.flush();
      return 2;
    }
    if (results.isEmpty()) {
      err.println("trainscope inspect: no event files (names containing 'tfevents') under " + Terminal.safe(path));
      err.flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      writeJson(results, out);
    } else {
      new TableReport(out).print(results);
    }
    out.flush();
    return results.stream().anyMatch(Inspected::hasProblems) ? 1 : 0;
  }

  /** An inventory, or the reason there is none. */
  record Inspected(String path, FileInventory inventory, String openError) {
    boolean hasProblems() {
      return openError != null || inventory.hasProblems();
    }
  }

  private static List<Inspected> inspectLocal(Path root) throws IOException {
    List<Inspected> out = new ArrayList<>();
    for (Path f : eventFiles(root)) {
      out.add(inspect(f));
    }
    return out;
  }

  static Inspected inspect(Path f) {
    try {
      return new Inspected(f.toString(), FileInventory.of(f), null);
    } catch (NoSuchFileException e) {
      return new Inspected(f.toString(), null, "file vanished while inspecting");
    } catch (IOException e) {
      return new Inspected(f.toString(), null, "cannot read: " + e.getMessage());
    }
  }

  /**
   * The event files under an s3:// prefix, in key order, or the one object the URL names, each
   * read by ranged GETs. Throws when the prefix cannot be listed (access denied, no such bucket).
   */
  private static List<Inspected> inspectUrl(String url) throws IOException {
    String base = url.replaceAll("/+$", "");
    try (Storage storage = Storage.at(base)) {
      List<String> files = new ArrayList<>();
      storage.listEventFiles().files().forEach(f -> files.add(f.path()));
      if (!files.isEmpty()) {
        files.sort(null);
        return inspect(storage, base, files);
      }
    }
    int slash = base.lastIndexOf('/');
    String name = base.substring(slash + 1);
    if (slash > base.indexOf("://") + 2 && name.contains("tfevents")) {
      try (Storage parent = Storage.at(base.substring(0, slash))) {
        if (parent.stat(name) != null) {
          return inspect(parent, base.substring(0, slash), List.of(name));
        }
      }
    }
    return List.of();
  }

  private static List<Inspected> inspect(Storage storage, String base, List<String> files) {
    List<Inspected> out = new ArrayList<>();
    for (String f : files) {
      String name = base + "/" + f;
      try (SeekableByteChannel ch = storage.open(f)) {
        out.add(new Inspected(name, FileInventory.of(ch, name), null));
      } catch (NoSuchFileException e) {
        out.add(new Inspected(name, null, "file vanished while inspecting"));
      } catch (IOException e) {
        out.add(new Inspected(name, null, "cannot read: " + e.getMessage()));
      }
    }
    return out;
  }

  /** The file itself, or every file under a directory whose name contains "tfevents", sorted. */
  static List<Path> eventFiles(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of(root);
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().contains("tfevents"))
          .filter(Files::isRegularFile)
          .sorted()
          .collect(Collectors.toList());
    }
  }

  // ---- JSON ----

  static void writeJson(List<Inspected> results, Writer out) throws IOException {
    JsonFactory factory = new JsonFactory();
    factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeArrayFieldStart("files");
      for (Inspected r : results) {
        writeFile(g, r);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void writeFile(JsonGenerator g, Inspected r) throws IOException {
    g.writeStartObject();
    g.writeStringField("path", r.path());
    if (r.openError() != null) {
      g.writeStringField("error", r.openError());
      g.writeEndObject();
      return;
    }
    FileInventory inv = r.inventory();
    ScanResult scan = inv.scan();
    g.writeNumberField("records", inv.records());
    g.writeNumberField("events", inv.events());
    g.writeStringField("file_version", inv.fileVersion());
    g.writeStringField("source_writer", inv.sourceWriter());
    g.writeBooleanField("truncated", scan.truncated());
    g.writeNumberField("crc_errors", scan.lengthCrcErrors() + scan.dataCrcErrors());
    g.writeNumberField("trailing_bytes", scan.trailingBytes());
    g.writeObjectFieldStart("event_kinds");
    for (var e : inv.eventKinds().entrySet()) {
      g.writeNumberField(e.getKey().protoName(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("problems");
    for (Problem p : inv.problems()) {
      g.writeStartObject();
      g.writeStringField("kind", p.kind().name());
      g.writeNumberField("offset", p.offset());
      g.writeStringField("message", p.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("tags");
    for (Map.Entry<String, TagStats> e : inv.tags().entrySet()) {
      TagStats t = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeStringField("kind", t.kind());
      g.writeStringField("plugin", t.pluginName().isEmpty() ? null : t.pluginName());
      g.writeNumberField("count", t.count());
      g.writeNumberField("first_step", t.firstStep());
      g.writeNumberField("last_step", t.lastStep());
      g.writeNumberField("min_step", t.minStep());
      g.writeNumberField("max_step", t.maxStep());
      if (t.isScalar()) {
        writePairs(g, "first3", t.first3());
        writePairs(g, "last3", t.last3());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writePairs(JsonGenerator g, String field, List<double[]> pairs) throws IOException {
    g.writeArrayFieldStart(field);
    for (double[] p : pairs) {
      g.writeStartArray();
      g.writeNumber((long) p[0]);
      writeNumber(g, p[1]);
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  /** Finite numbers as JSON numbers; NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
  static void writeNumber(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeString(Double.toString(v));
    }
  }

  // ---- tables ----

  /** The human-readable report. */
  static final class TableReport {
    private final PrintWriter out;

    TableReport(PrintWriter out) {
      this.out = out;
    }

    void print(List<Inspected> results) {
      for (Inspected r : results) {
        out.println("== " + Terminal.safe(r.path()));
        if (r.openError() != null) {
          out.println("   ERROR: " + Terminal.safe(r.openError()));
          out.println();
          continue;
        }
        FileInventory inv = r.inventory();
        ScanResult s = inv.scan();
        out.printf(Locale.ROOT, "   %,d records, %,d events, file_version %s, writer %s%n", inv.records(),
            inv.events(), inv.fileVersion() == null ? "(none)" : Terminal.safe(inv.fileVersion()),
            inv.sourceWriter() == null ? "(not recorded)" : Terminal.safe(inv.sourceWriter()));
        out.println("   events by kind: " + inv.eventKinds().entrySet().stream()
            .map(e -> e.getKey().protoName() + " " + e.getValue()).collect(Collectors.joining(", ")));
        if (inv.problems().isEmpty()) {
          out.println("   problems: none");
        } else {
          out.printf(Locale.ROOT, "   problems: %d (truncated: %s, crc errors: %d, trailing bytes: %d)%n",
              inv.problems().size(), s.truncated() ? "yes" : "no", s.lengthCrcErrors() + s.dataCrcErrors(),
              s.trailingBytes());
          for (Problem p : inv.problems()) {
            out.printf(Locale.ROOT, "     %s at offset %d: %s%n", p.kind(), p.offset(), Terminal.safe(p.message()));
          }
        }
        if (!inv.tags().isEmpty()) {
          printTags(inv.tags());
        }
        out.println();
      }
    }

    private void printTags(Map<String, TagStats> tags) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"tag", "kind", "plugin", "count", "steps first..last", "min..max", "first 3 ... last 3"});
      for (Map.Entry<String, TagStats> e : tags.entrySet()) {
        TagStats t = e.getValue();
        rows.add(new String[] {
          Terminal.safe(e.getKey()),
          t.kind(),
          t.pluginName().isEmpty() ? "-" : Terminal.safe(t.pluginName()),
          String.format(Locale.ROOT, "%,d", t.count()),
          t.firstStep() + ".." + t.lastStep(),
          t.minStep() + ".." + t.maxStep(),
          t.isScalar() ? pairs(t.first3()) + (t.count() > 3 ? " ... " + pairs(t.last3()) : "") : ""
        });
      }
      Tables.print(out, rows, 3);
    }

    private static String pairs(List<double[]> pairs) {
      return pairs.stream()
          .map(p -> "(" + (long) p[0] + ", " + number(p[1]) + ")")
          .collect(Collectors.joining(" "));
    }

    /** Integers without a fraction; float32 values in their shortest form; doubles in full. */
    private static String number(double v) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        return Long.toString((long) v);
      }
      return (double) (float) v == v ? Float.toString((float) v) : Double.toString(v);
    }
  }
}
