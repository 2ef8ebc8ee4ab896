package dev.trainscope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.HParamsTable;
import dev.trainscope.data.RunStore;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Examination;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.KnownFaults;
import dev.trainscope.diagnose.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores the diagnosis on labelled runs. Two kinds of log directory:
 *
 * <ul>
 *   <li>runs trained by {@code trainscope demo --fault F}: each records its fault in its hparams as
 *       {@code fault} ({@code none} when healthy); their writer convention is Trainscope's;
 *   <li>a corpus with a {@code labels.json} beside its run folders, as {@code
 *       ../shared/data/training-runs} and the generator of {@code benchmarks/training-runs} write:
 *       per run folder its {@code fault} ({@code healthy} or a fault's name) and its {@code
 *       tag_style} (the writer convention: K for Keras' callback, L for Lightning, P for plain
 *       {@code torch.utils.tensorboard}). A run whose {@code check.passed} is false did not turn out as
 *       labelled and is left out, named.
 * </ul>
 *
 * <p>For each training the verdict's root cause is compared with the rules that name the fault's
 * cause ({@link #RIGHT}): "right first" when the root is one of them, "named" when any finding is.
 * A healthy run counts as a false alarm when any warning or error is found. Scores are given per
 * writer convention and in all.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.DiagnosisBenchmark DIR [-v]}
 */
public final class DiagnosisBenchmark {
  private DiagnosisBenchmark() {}

  static final Map<String, Set<String>> RIGHT = KnownFaults.ROOT_CAUSE;
  static final Set<String> LAYERED = KnownFaults.LAYERED;

  /** A labelled training: its fault ("healthy" when none) and writer convention. */
  record Label(String fault, String style, boolean extra) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean verbose = args.length > 1 && args[1].equals("-v");
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      Map<String, Label> labels = Files.isRegularFile(dir.resolve("labels.json")) ? fromLabelsFile(dir)
          : fromHParams(store);
      List<Examination> exams = Doctor.defaults().examine(store);
      score(labels, exams, verbose);
    }
  }

  static Map<String, Label> fromLabelsFile(Path dir) throws java.io.IOException {
    JsonNode root = new ObjectMapper().readTree(dir.resolve("labels.json").toFile());
    Map<String, Label> out = new TreeMap<>();
    root.fields().forEachRemaining(e -> {
      JsonNode check = e.getValue().path("check");
      if (check.path("passed").isBoolean() && !check.path("passed").asBoolean()) {
        // the run did not turn out as its label says (a healthy run that overfitted, say): no label to score against
        System.out.println("left out: " + e.getKey() + ", its label check failed: " + check.path("failures"));
        return;
      }
      out.put(e.getKey(), new Label(e.getValue().path("fault").asText(), e.getValue().path("tag_style").asText("?"),
          e.getValue().path("extra").asBoolean(false)));
    });
    return out;
  }

  static Map<String, Label> fromHParams(RunStore store) {
    Map<String, Label> out = new TreeMap<>();
    for (HParamsTable.Row row : store.hparams().rows()) {
      Object f = row.values().get("fault");
      if (f != null) {
        String fault = f.toString().equals("none") ? "healthy" : f.toString();
        out.put(row.run(), new Label(fault, "T", Set.of("shuffled-labels", "unshuffled", "zero-init").contains(fault)));
      }
    }
    return out;
  }

  /** The labelled run a training belongs to: the label whose run it is or is under. */
  static String owner(String subject, List<String> runs, Map<String, Label> labels) {
    for (String candidate : java.util.stream.Stream.concat(java.util.stream.Stream.of(subject), runs.stream()).toList()) {
      for (String r : labels.keySet()) {
        if (candidate.equals(r) || candidate.startsWith(r + "/")) {
          return r;
        }
      }
    }
    return null;
  }

  static void score(Map<String, Label> labels, List<Examination> exams, boolean verbose) {
    Map<String, Examination> byRun = new LinkedHashMap<>();
    for (Examination e : exams) {
      String owner = owner(e.subject(), e.runs(), labels);
      if (owner != null) {
        byRun.put(owner, e);
      }
    }
    // per style: [fault runs, right first, named, healthy runs, false alarms, extra runs, extra right first]
    Map<String, int[]> perStyle = new TreeMap<>();
    Map<String, int[]> perFault = new TreeMap<>(); // runs, right first, named, localised
    List<String> misses = new ArrayList<>();
    for (Map.Entry<String, Label> e : labels.entrySet()) {
      Label label = e.getValue();
      Examination ex = byRun.get(e.getKey());
      Verdict v = ex == null ? null : ex.verdict();
      Finding root = v == null ? null : v.root();
      List<Finding> serious = ex == null ? List.of()
          : ex.findings().stream().filter(f -> f.severity() != dev.trainscope.diagnose.Severity.INFO).toList();
      int[] st = perStyle.computeIfAbsent(label.style(), k -> new int[7]);
      int[] all = perStyle.computeIfAbsent("all", k -> new int[7]);
      String got = root == null ? "-" : root.rule() + (root.layer().isEmpty() ? "" : "@" + root.layer());
      if (label.fault().equals("healthy")) {
        st[3]++;
        all[3]++;
        if (!serious.isEmpty()) {
          st[4]++;
          all[4]++;
          misses.add(e.getKey() + " healthy (" + label.style() + "): false alarm " + rules(serious));
        }
      } else {
        Set<String> right = RIGHT.getOrDefault(label.fault(), Set.of());
        boolean first = root != null && right.contains(root.rule());
        boolean named = serious.stream().anyMatch(f -> right.contains(f.rule()));
        boolean localised = serious.stream().anyMatch(f -> right.contains(f.rule()) && !f.layer().isEmpty());
        int[] pf = perFault.computeIfAbsent(label.fault(), k -> new int[4]);
        pf[0]++;
        pf[1] += first ? 1 : 0;
        pf[2] += named ? 1 : 0;
        pf[3] += localised ? 1 : 0;
        if (label.extra()) {
          st[5]++;
          all[5]++;
          st[6] += first ? 1 : 0;
          all[6] += first ? 1 : 0;
        } else {
          st[0]++;
          all[0]++;
          st[1] += first ? 1 : 0;
          all[1] += first ? 1 : 0;
          st[2] += named ? 1 : 0;
          all[2] += named ? 1 : 0;
        }
        if (!first) {
          misses.add(e.getKey() + " " + label.fault() + " (" + label.style() + "): root " + got + ", all " + rules(serious));
        }
      }
      if (verbose) {
        System.out.printf(Locale.ROOT, "%-12s %-16s %s  root %s  consequences %s  others %s%n", e.getKey(),
            label.fault(), label.style(), got, v == null ? "-" : rules(v.consequences()),
            v == null ? "-" : rules(v.others()));
      }
    }
    System.out.println();
    System.out.println("| fault | runs | right cause first | right cause named | localised to a layer |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, int[]> e : perFault.entrySet()) {
      int[] s = e.getValue();
      System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", e.getKey(), s[0], s[1], s[2],
          LAYERED.contains(e.getKey()) ? s[3] + " of " + s[0] : "n/a");
    }
    System.out.println();
    System.out.println("| writer convention | faulty runs, right root cause first | right cause named anywhere"
        + " | healthy runs with any warning | extra faults, right root cause first |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, int[]> e : perStyle.entrySet()) {
      int[] s = e.getValue();
      System.out.printf(Locale.ROOT, "| %s | %d of %d (%s) | %d of %d | %d of %d (%s) | %d of %d |%n", e.getKey(), s[1],
          s[0], pct(s[1], s[0]), s[2], s[0], s[4], s[3], pct(s[4], s[3]), s[6], s[5]);
    }
    if (!misses.isEmpty()) {
      System.out.println();
      System.out.println("misses:");
      misses.forEach(m -> System.out.println("  " + m));
    }
  }

  private static String rules(List<Finding> fs) {
    return fs.stream().map(f -> f.rule() + (f.layer().isEmpty() ? "" : "@" + f.layer())).distinct().toList().toString();
  }

  private static String pct(int a, int b) {
    return b == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * a / b);
  }
}
