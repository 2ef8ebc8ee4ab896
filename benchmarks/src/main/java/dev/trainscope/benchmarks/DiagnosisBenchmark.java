package dev.trainscope.benchmarks;

import dev.trainscope.data.HParamsTable;
import dev.trainscope.data.RunStore;
import dev.trainscope.diagnose.Doctor;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.Severity;
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
 * Scores the diagnosis on a labelled log directory: runs trained by {@code trainscope demo --fault F}
 * (each records its fault in its hparams as {@code fault}; healthy runs record {@code none}). For
 * each fault: how many runs got a warning or error at all, how many got one whose rule names the
 * fault's cause ({@link #RIGHT}: for lr-low "update-ratio" counts, as that finding says the layer
 * barely learns and to raise the learning rate), how many had such a finding first (doctor's order:
 * most severe, then earliest), how many localised it to a layer where the fault sits in layers, and
 * the median step where the earliest right finding begins (every fault is there from step 0); for
 * healthy runs, how many got any warning or error (false alarms).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.DiagnosisBenchmark DIR}
 */
public final class DiagnosisBenchmark {
  private DiagnosisBenchmark() {}

  /** The rules that name each fault's cause. */
  static final Map<String, Set<String>> RIGHT = Map.of(
      "lr-high", Set.of("loss-divergence", "loss-surge", "nan-loss", "oscillation"),
      "lr-low", Set.of("stalled", "update-ratio"),
      "no-normalize", Set.of("unnormalized-inputs"),
      "dead-relu", Set.of("dead-relu"),
      "vanishing", Set.of("vanishing-gradients", "saturated-activations"),
      "exploding", Set.of("exploding-gradients", "nan-loss", "loss-divergence", "loss-surge", "large-weights"),
      "overfit", Set.of("overfitting"),
      "repeat-batch", Set.of("repeated-batches"),
      "saturated", Set.of("saturated-activations"));

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      Map<String, String> faultOf = new TreeMap<>();
      HParamsTable table = store.hparams();
      for (HParamsTable.Row row : table.rows()) {
        Object f = row.values().get("fault");
        if (f != null) {
          faultOf.put(row.run(), f.toString());
        }
      }
      List<Finding> findings = Doctor.defaults().diagnose(store);
      Map<String, List<Finding>> byRun = new LinkedHashMap<>();
      for (Finding f : findings) {
        byRun.computeIfAbsent(owner(f.run(), faultOf), k -> new ArrayList<>()).add(f);
      }
      Map<String, int[]> score = new TreeMap<>(); // runs, detected, right named, right first, localised
      Map<String, List<Long>> firstSteps = new TreeMap<>();
      for (Map.Entry<String, String> e : faultOf.entrySet()) {
        String fault = e.getValue();
        List<Finding> fs = byRun.getOrDefault(e.getKey(), List.of()).stream()
            .filter(f -> f.severity() != Severity.INFO).toList();
        int[] s = score.computeIfAbsent(fault, k -> new int[5]);
        s[0]++;
        if (!fs.isEmpty()) {
          s[1]++;
        }
        Set<String> right = RIGHT.getOrDefault(fault, Set.of());
        if (!fs.isEmpty() && right.contains(fs.get(0).rule())) {
          s[3]++;
        }
        // the earliest finding naming the cause
        fs.stream().filter(f -> right.contains(f.rule())).min((a, b) -> Long.compare(a.fromStep(), b.fromStep()))
            .ifPresent(f -> {
              s[2]++;
              firstSteps.computeIfAbsent(fault, k -> new ArrayList<>()).add(f.fromStep());
            });
        if (fs.stream().anyMatch(f -> right.contains(f.rule()) && !f.layer().isEmpty())) {
          s[4]++;
        }
        System.out.printf(Locale.ROOT, "%-40s %-13s %s%n", e.getKey(), fault,
            fs.isEmpty() ? "-" : fs.stream().map(f -> f.rule() + (f.layer().isEmpty() ? "" : "@" + f.layer())
                + "(" + f.severity().name().toLowerCase(Locale.ROOT) + ")").distinct().toList());
      }
      System.out.println();
      System.out.println("| fault | runs | any warning | right cause named | right cause first | localised to a layer"
          + " | median first step of the right finding |");
      System.out.println("|---|---|---|---|---|---|---|");
      int faultRuns = 0;
      int named = 0;
      for (Map.Entry<String, int[]> e : score.entrySet()) {
        int[] s = e.getValue();
        List<Long> steps = firstSteps.getOrDefault(e.getKey(), List.of());
        String median = steps.isEmpty() ? "-" : Long.toString(steps.stream().sorted().toList().get(steps.size() / 2));
        if (e.getKey().equals("none")) {
          continue;
        }
        faultRuns += s[0];
        named += s[2];
        String localised = LAYERED.contains(e.getKey()) ? s[4] + " of " + s[0] : "n/a";
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s |%n", e.getKey(), s[0], s[1], s[2], s[3],
            localised, median);
      }
      int[] h = score.getOrDefault("none", new int[5]);
      System.out.printf(Locale.ROOT, "%nfault runs with the right cause named: %d of %d (%.0f%%)%n", named, faultRuns,
          faultRuns == 0 ? 0.0 : 100.0 * named / faultRuns);
      System.out.printf(Locale.ROOT, "healthy runs with any warning or error: %d of %d (%.0f%%)%n", h[1], h[0],
          h[0] == 0 ? 0.0 : 100.0 * h[1] / h[0]);
    }
  }

  /** The faults that sit in particular layers, where a finding should name the layer. */
  static final Set<String> LAYERED = Set.of("dead-relu", "vanishing", "exploding", "saturated");

  /** The labelled run a finding belongs to: its run, or the labelled run it is under. */
  private static String owner(String run, Map<String, String> labelled) {
    String best = run;
    for (String r : labelled.keySet()) {
      if (run.equals(r) || run.startsWith(r + "/")) {
        return r;
      }
    }
    return best;
  }
}
