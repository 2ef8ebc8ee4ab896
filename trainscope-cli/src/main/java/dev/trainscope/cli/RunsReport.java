package dev.trainscope.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import dev.trainscope.data.TagInfo;
import dev.trainscope.events.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code trainscope inspect --runs}: the run view of a log directory as the run store holds it:
 * runs found by discovery, files in read order, and per tag its kind, plugin, count, first and last
 * step and how many values were replaced (by restarts, or logged again at their step).
 */
final class RunsReport {
  private RunsReport() {}

  /**
   * Prints the run view of a log directory (a local path or an s3:// URL). What could not be read
   * (a folder or the whole log directory that could not be listed, a file that could not be read:
   * access denied, no such bucket, throttling) goes to {@code err} with its path or URL and makes
   * the exit status 1.
   */
  static int print(String logdir, boolean json, PrintWriter terminal, PrintWriter err) throws IOException {
    // picocli's writer flushes at each line: 70,000 writes for 10,000 runs; buffered, a few hundred
    PrintWriter out = new PrintWriter(new java.io.BufferedWriter(terminal, 1 << 16));
    String refused = Logdirs.problem(logdir);
    if (refused != null) {
      err.println("trainscope inspect --runs: " + Terminal.safe(refused));
      err.flush();
      return 2;
    }
    try (RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      List<RunInfo> runs = store.runs();
      boolean unread = !store.logdirProblems().isEmpty();
      for (Problem p : store.logdirProblems()) {
        err.println("trainscope inspect --runs: " + Terminal.safe(p.file() + ": " + p.message()));
      }
      for (RunInfo r : runs) {
        for (Problem p : store.problems(r.name())) {
          if (p.kind() == Problem.Kind.IO_ERROR) {
            err.println("trainscope inspect --runs: run " + Terminal.safe(r.name() + ", " + p.file() + ": " + p.message()));
          }
        }
      }
      err.flush();
      if (json) {
        writeJson(store, runs, out);
      } else {
        writeTables(store, runs, out);
      }
      out.flush();
      return unread || runs.stream().anyMatch(r -> r.problems() > 0) ? 1 : 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("trainscope inspect --runs: interrupted");
      return 1;
    }
  }

  private static void writeJson(RunStore store, List<RunInfo> runs, PrintWriter out) throws IOException {
    JsonFactory factory = new JsonFactory();
    factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("runs");
      for (RunInfo r : runs) {
        g.writeObjectFieldStart(r.name());
        g.writeArrayFieldStart("files");
        for (String f : r.files()) {
          g.writeString(f);
        }
        g.writeEndArray();
        g.writeNumberField("events", r.events());
        g.writeNumberField("problems", r.problems());
        g.writeBooleanField("has_graph", r.hasGraph());
        g.writeBooleanField("has_meta_graph", r.hasMetaGraph());
        g.writeObjectFieldStart("tags");
        for (TagInfo t : store.tags(r.name())) {
          g.writeObjectFieldStart(t.tag());
          g.writeStringField("kind", t.kind().name().toLowerCase(Locale.ROOT));
          g.writeStringField("plugin", t.plugin());
          g.writeNumberField("count", t.count());
          g.writeNumberField("first_step", t.firstStep());
          g.writeNumberField("last_step", t.lastStep());
          g.writeNumberField("dropped", t.dropped());
          g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void writeTables(RunStore store, List<RunInfo> runs, PrintWriter out) {
    if (runs.isEmpty()) {
      out.println("no runs (no directory holds a file whose name contains 'tfevents')");
    }
    for (RunInfo r : runs) {
      out.println("== run " + Terminal.safe(r.name()));
      out.println("   " + r.files().size() + " file(s), " + Tables.grouped(r.events()) + " events, "
          + Tables.grouped(r.bytesRead()) + " bytes" + (r.hasGraph() ? ", graph" : "")
          + (r.hasMetaGraph() ? ", meta-graph" : "") + (r.problems() > 0 ? ", " + r.problems() + " problem(s)" : ""));
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"tag", "kind", "plugin", "count", "steps", "dropped"});
      for (TagInfo t : store.tags(r.name())) {
        rows.add(new String[] {Terminal.safe(t.tag()), t.kind().name().toLowerCase(Locale.ROOT),
            t.plugin().isEmpty() ? "-" : Terminal.safe(t.plugin()), Tables.grouped(t.count()),
            t.firstStep() + ".." + t.lastStep(), t.dropped() == 0 ? "" : Long.toString(t.dropped())});
      }
      Tables.print(out, rows, 3);
      out.println();
    }
  }
}
