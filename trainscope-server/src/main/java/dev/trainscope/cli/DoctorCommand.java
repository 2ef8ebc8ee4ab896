package dev.trainscope.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.Roles;
import dev.trainscope.diagnose.Rules;
import dev.trainscope.diagnose.Severity;
import dev.trainscope.diagnose.Thresholds;
import dev.trainscope.events.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trainscope doctor LOGDIR}: what looks wrong in each training of a log directory, most
 * severe first, with the evidence and what to try, and what could not be read. Exit status 1 when
 * a finding at or above {@code --fail-on} is present, so it can gate a CI pipeline or a training
 * script; else 3 when a file or folder could not be read, as the diagnosis then saw only part of
 * the data; 2 for bad usage.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {"Diagnose the trainings of a log directory: what looks wrong, where, and what to try.",
        "Exit status: 0 none at or above --fail-on, 1 some, 2 bad usage,",
        "3 none at or above --fail-on but a file or folder could not be read (the diagnosis is incomplete)."})
final class DoctorCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "LOGDIR", description = "A log directory (each folder of event files is a run).")
  Path logdir;

  @Option(names = "--json", description = "Print the findings as one JSON document.")
  boolean json;

  @Option(names = "--fail-on", defaultValue = "error", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding of this severity or worse is present: info, warning or error (default ${DEFAULT-VALUE}).")
  String failOn;

  @Option(names = "--role", paramLabel = "REGEX=ROLE",
      description = "Say what a tag is when its name does not: e.g. --role 'myloss=loss' --role 'v_acc=accuracy:val'.")
  List<String> roles = new ArrayList<>();

  @Option(names = "--roles", paramLabel = "FILE", description = "A file of REGEX=ROLE lines (# starts a comment).")
  Path rolesFile;

  @Option(names = "--threshold", paramLabel = "NAME=VALUE", description = "Change a rule's threshold, e.g. dead.fraction=0.5.")
  List<String> thresholds = new ArrayList<>();

  @Option(names = "--list-thresholds", description = "Print the thresholds and their values, then exit.")
  boolean listThresholds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Doctor doctor;
    Severity gate;
    try {
      gate = Severity.parse(failOn);
      List<String> roleSpecs = new ArrayList<>(roles);
      if (rolesFile != null) {
        for (String line : Files.readAllLines(rolesFile)) {
          String l = line.strip();
          if (!l.isEmpty() && !l.startsWith("#")) {
            roleSpecs.add(l);
          }
        }
      }
      doctor = new Doctor(Rules.all(), Roles.withOverrides(roleSpecs), Thresholds.defaults().with(thresholds));
    } catch (IllegalArgumentException | IOException e) {
      err.println("trainscope doctor: " + Terminal.safe(String.valueOf(e.getMessage())));
      err.flush();
      return 2;
    }
    if (listThresholds) {
      out.print(doctor.thresholds());
      out.flush();
      return 0;
    }
    if (!Files.isDirectory(logdir)) {
      err.println("trainscope doctor: not a directory: " + Terminal.safe(logdir.toString()));
      err.flush();
      return 2;
    }
    List<Finding> findings;
    List<RunProblem> problems = new ArrayList<>();
    int runs;
    try (RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      runs = store.runs().size();
      findings = doctor.diagnose(store);
      for (Problem p : store.logdirProblems()) {
        problems.add(new RunProblem("", p));
      }
      for (RunInfo r : store.runs()) {
        for (Problem p : store.problems(r.name())) {
          if (p.kind() != Problem.Kind.TRUNCATED_RECORD) { // a writer still writing leaves these
            problems.add(new RunProblem(r.name(), p));
          }
        }
      }
    }
    if (json) {
      writeJson(findings, problems, runs, out);
    } else {
      writeText(findings, runs, out);
      writeProblems(problems, out);
    }
    out.flush();
    if (findings.stream().anyMatch(f -> f.severity().compareTo(gate) >= 0)) {
      return 1;
    }
    return problems.stream().anyMatch(p -> p.problem().kind() == Problem.Kind.IO_ERROR) ? UNREADABLE : 0;
  }

  /** The exit status when no finding gates but something could not be read. */
  static final int UNREADABLE = 3;

  /** A problem met while reading, with its run ("" for the log directory itself). */
  record RunProblem(String run, Problem problem) {}

  /**
   * What could not be read, and the damage met, after the findings: the diagnosis saw only what
   * was read, and "No findings" alone would say all is well.
   */
  static void writeProblems(List<RunProblem> problems, PrintWriter out) {
    if (problems.isEmpty()) {
      return;
    }
    long unreadable = problems.stream().filter(p -> p.problem().kind() == Problem.Kind.IO_ERROR).count();
    out.println();
    out.printf(Locale.ROOT, "== problems reading the log directory: %d could not be read, %d damaged%n", unreadable,
        problems.size() - unreadable);
    for (RunProblem rp : problems) {
      Problem p = rp.problem();
      String what = p.kind() == Problem.Kind.IO_ERROR ? "UNREADABLE" : "DAMAGED";
      out.printf(Locale.ROOT, "   %-10s %s%s%n", what, Terminal.safe(p.file()),
          p.kind() == Problem.Kind.IO_ERROR ? "" : " at offset " + p.offset());
      out.println("              " + Terminal.safe(p.message()));
    }
    if (unreadable > 0) {
      out.println("The findings above cover only what could be read.");
    }
  }

  static void writeText(List<Finding> findings, int runs, PrintWriter out) {
    if (findings.isEmpty()) {
      out.printf(Locale.ROOT, "No findings in %d run%s.%n", runs, runs == 1 ? "" : "s");
      return;
    }
    Map<String, List<Finding>> byRun = new LinkedHashMap<>();
    for (Finding f : findings) {
      byRun.computeIfAbsent(f.run(), k -> new ArrayList<>()).add(f);
    }
    for (Map.Entry<String, List<Finding>> e : byRun.entrySet()) {
      out.println("== run " + Terminal.safe(e.getKey()));
      for (Finding f : e.getValue()) {
        out.printf(Locale.ROOT, "   %-7s %s%n", f.severity(), Terminal.safe(f.summary()));
        out.printf(Locale.ROOT, "           rule %s, steps %d..%d%s, tags %s%n", f.rule(), f.fromStep(), f.toStep(),
            f.layer().isEmpty() ? "" : ", layer " + Terminal.safe(f.layer()), Terminal.safe(String.join(", ", f.tags())));
        StringBuilder ev = new StringBuilder();
        f.evidence().forEach((k, v) -> ev.append(ev.length() == 0 ? "" : ", ").append(k).append('=').append(num(v)));
        out.println("           evidence: " + ev);
        out.println("           try: " + Terminal.safe(f.suggestion()));
      }
      out.println();
    }
    long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
    long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
    out.printf(Locale.ROOT, "%d error(s), %d warning(s), %d note(s) in %d run%s.%n", errors, warnings,
        findings.size() - errors - warnings, runs, runs == 1 ? "" : "s");
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  static void writeJson(List<Finding> findings, List<RunProblem> problems, int runs, PrintWriter out) throws IOException {
    JsonFactory factory = new JsonFactory();
    factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeNumberField("runs", runs);
      g.writeArrayFieldStart("findings");
      for (Finding f : findings) {
        g.writeStartObject();
        g.writeStringField("rule", f.rule());
        g.writeStringField("severity", f.severity().name().toLowerCase(Locale.ROOT));
        g.writeStringField("run", f.run());
        g.writeArrayFieldStart("tags");
        for (String t : f.tags()) {
          g.writeString(t);
        }
        g.writeEndArray();
        g.writeStringField("layer", f.layer());
        g.writeNumberField("fromStep", f.fromStep());
        g.writeNumberField("toStep", f.toStep());
        g.writeObjectFieldStart("evidence");
        for (Map.Entry<String, Double> e : f.evidence().entrySet()) {
          if (Double.isFinite(e.getValue())) {
            g.writeNumberField(e.getKey(), e.getValue());
          } else {
            g.writeStringField(e.getKey(), Double.toString(e.getValue()));
          }
        }
        g.writeEndObject();
        g.writeStringField("summary", f.summary());
        g.writeStringField("suggestion", f.suggestion());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("problems");
      for (RunProblem rp : problems) {
        Problem p = rp.problem();
        g.writeStartObject();
        g.writeStringField("run", rp.run());
        g.writeStringField("kind", p.kind().name());
        g.writeStringField("file", p.file());
        g.writeNumberField("offset", p.offset());
        g.writeStringField("message", p.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }
}
