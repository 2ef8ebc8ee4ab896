package dev.trainscope.cli;

import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Examination;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.TagRole;
import dev.trainscope.diagnose.Verdict;
import dev.trainscope.server.FindingJson;
import dev.trainscope.diagnose.Severity;
import dev.trainscope.events.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  @Parameters(index = "0", arity = "0..1", paramLabel = "LOGDIR",
      description = "A log directory (each folder of event files is a run), or one run's folder; a local path or s3://BUCKET/PREFIX.")
  String logdir;

  @Option(names = "--explain", description = "Also say what each tag was read as and from what, and which rules could "
      + "examine each training, on what evidence, or why not.")
  boolean explain;

  @Option(names = "--json", description = "Print the findings as one JSON document.")
  boolean json;

  @Option(names = "--fail-on", defaultValue = "error", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding of this severity or worse is present: info, warning or error (default ${DEFAULT-VALUE}).")
  String failOn;

  @CommandLine.Mixin
  DiagnosisOptions diagnosis = new DiagnosisOptions();

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
      doctor = diagnosis.doctor();
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
    if (logdir == null) {
      err.println("trainscope doctor: give a log directory (LOGDIR), or --list-thresholds");
      err.flush();
      return 2;
    }
    String refused = Logdirs.problem(logdir);
    if (refused != null) {
      err.println("trainscope doctor: " + Terminal.safe(refused));
      err.flush();
      return 2;
    }
    List<Examination> exams;
    List<RunProblem> problems = new ArrayList<>();
    int runs;
    try (RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      runs = store.runs().size();
      exams = doctor.examine(store);
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
    String here = Logdirs.displayName(logdir);
    if (json) {
      writeJson(exams, problems, runs, here, explain, out);
    } else {
      writeText(exams, runs, here, explain, out);
      writeProblems(problems, out);
    }
    out.flush();
    if (exams.stream().flatMap(e -> e.findings().stream()).anyMatch(f -> f.severity().compareTo(gate) >= 0)) {
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

  /** A run or training name as shown: "." (the log directory itself) by the folder's name. */
  static String shown(String name, String here) {
    if (name.equals(".")) {
      return here;
    }
    return name.startsWith("./") ? here + name.substring(1) : name;
  }

  static void writeText(List<Examination> exams, int runs, String here, boolean explain, PrintWriter out) {
    List<Finding> all = exams.stream().flatMap(e -> e.findings().stream()).toList();
    for (Examination e : exams) {
      Verdict v = e.verdict();
      if (v.root() == null && v.notes().isEmpty() && !explain) {
        continue;
      }
      String runsPart = e.runs().size() == 1 && e.runs().get(0).equals(e.subject()) ? ""
          : "   (runs " + Terminal.safe(String.join(", ", e.runs().stream().map(r -> shown(r, here)).toList())) + ")";
      out.println("== run " + Terminal.safe(shown(e.subject(), here)) + runsPart);
      if (v.root() != null) {
        writeFinding(v.root(), v.severity(), "   ", out);
        if (!v.consequences().isEmpty()) {
          out.println("           which explains:");
          for (Finding f : v.consequences()) {
            out.printf(Locale.ROOT, "           - %s %s%n", f.severity(), Terminal.safe(f.summary()));
            out.printf(Locale.ROOT, "             rule %s, steps %d..%d%s%n", f.rule(), f.fromStep(), f.toStep(),
                f.layer().isEmpty() ? "" : ", layer " + Terminal.safe(f.layer()));
          }
        }
        for (Finding f : v.others()) {
          writeFinding(f, f.severity(), "   ", out);
        }
      } else if (explain) {
        out.println("   no warning or error (see what could be checked below)");
      }
      for (Finding f : v.notes()) {
        writeFinding(f, f.severity(), "   ", out);
      }
      if (explain) {
        writeExplanation(e, here, out);
      }
      out.println();
    }
    if (all.isEmpty()) {
      out.printf(Locale.ROOT, "No findings in %d run%s.%s%n", runs, runs == 1 ? "" : "s",
          explain ? "" : " (--explain says what could be checked)");
      return;
    }
    long errors = all.stream().filter(f -> f.severity() == Severity.ERROR).count();
    long warnings = all.stream().filter(f -> f.severity() == Severity.WARNING).count();
    out.printf(Locale.ROOT, "%d error(s), %d warning(s), %d note(s) in %d run%s.%n", errors, warnings,
        all.size() - errors - warnings, runs, runs == 1 ? "" : "s");
  }

  /** A finding in full, under the severity given (a root cause takes the worst of its consequences'). */
  private static void writeFinding(Finding f, Severity severity, String indent, PrintWriter out) {
    out.printf(Locale.ROOT, "%s%-7s %s%n", indent, severity, Terminal.safe(f.summary()));
    out.printf(Locale.ROOT, "           rule %s, steps %d..%d%s, tags %s%n", f.rule(), f.fromStep(), f.toStep(),
        f.layer().isEmpty() ? "" : ", layer " + Terminal.safe(f.layer()), Terminal.safe(String.join(", ", f.tags())));
    StringBuilder ev = new StringBuilder();
    f.evidence().forEach((k, v) -> ev.append(ev.length() == 0 ? "" : ", ").append(k).append('=').append(num(v)));
    out.println("           evidence: " + ev);
    if (!f.basis().isEmpty()) {
      out.println("           based on: " + Terminal.safe(f.basis()));
    }
    out.println("           try: " + Terminal.safe(f.suggestion()));
  }

  /** What each tag was read as, and which rules could examine the training. */
  private static void writeExplanation(Examination e, String here, PrintWriter out) {
    out.println("   tags read as:");
    int width = 0;
    for (TagRole t : e.roles()) {
      width = Math.max(width, Math.min(48, label(t, e, here).length()));
    }
    for (TagRole t : e.roles()) {
      out.printf(Locale.ROOT, "     %-" + width + "s  %-34s %s%n", Terminal.safe(label(t, e, here)), meaning(t),
          Terminal.safe(t.source()));
    }
    out.println("   rules:");
    e.coverage().forEach((rule, c) -> out.printf(Locale.ROOT, "     %-12s %-22s %s%n", c.status().id(), rule,
        Terminal.safe(c.detail())));
  }

  private static String label(TagRole t, Examination e, String here) {
    return e.runs().size() == 1 ? t.tag() : shown(t.run(), here) + ": " + t.tag();
  }

  private static String meaning(TagRole t) {
    StringBuilder sb = new StringBuilder(t.role().id());
    if (t.split() != dev.trainscope.events.meaning.Split.UNKNOWN) {
      sb.append(" (").append(t.split().id()).append(')');
    }
    if (!t.layer().isEmpty()) {
      sb.append(", layer ").append(Terminal.safe(t.layer()));
    }
    if (!t.param().isEmpty()) {
      sb.append(", ").append(Terminal.safe(t.param()));
    }
    return sb.toString();
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  static void writeJson(List<Examination> exams, List<RunProblem> problems, int runs, String here, boolean explain,
      PrintWriter out) throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (Examination e : exams) {
      findings.addAll(e.findings());
    }
    findings.sort(Doctor.ORDER);
    java.util.IdentityHashMap<Finding, Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < findings.size(); i++) {
      index.put(findings.get(i), i);
    }
    List<Object> fs = new ArrayList<>();
    for (Finding f : findings) {
      fs.add(FindingJson.finding(f, shown(f.run(), here)));
    }
    List<Object> verdicts = new ArrayList<>();
    for (Examination e : exams) {
      verdicts.add(FindingJson.verdict(e, index, r -> shown(r, here), explain));
    }
    java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
    doc.put("runs", runs);
    doc.put("findings", fs);
    doc.put("verdicts", verdicts);
    List<Object> ps = new ArrayList<>();
    for (RunProblem rp : problems) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("run", shown(rp.run(), here));
      m.put("kind", rp.problem().kind().name());
      m.put("file", rp.problem().file());
      m.put("offset", rp.problem().offset());
      m.put("message", rp.problem().message());
      ps.add(m);
    }
    doc.put("problems", ps);
    FindingJson.write(out, doc);
    out.write('\n');
  }
}
