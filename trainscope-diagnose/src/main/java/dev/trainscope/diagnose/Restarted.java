package dev.trainscope.diagnose;

import java.util.List;
import java.util.Map;

/** A training that was restarted and rewrote steps (from the store's dropped-value counts). */
final class Restarted implements Rule {
  @Override
  public String id() {
    return "restarted";
  }

  @Override
  public Coverage coverage(Subject s) {
    return Coverage.checked("the steps of every value");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (Map.Entry<String, long[]> e : s.dropped().entrySet()) {
      long[] d = e.getValue();
      if (d[0] + d[1] > 0) {
        out.add(new Finding(id(), Severity.INFO, e.getKey(), List.of(), "", 0, 0,
            RuleSupport.ev("replaced_by_restart", d[0], "dropped_by_session_start", d[1]),
            "run '" + e.getKey() + "' was restarted: " + (d[0] + d[1]) + " logged values were replaced by later ones "
                + "at earlier steps (the training went back to an older checkpoint)",
            "nothing to fix if the training resumed from a checkpoint; otherwise two trainings write to one run "
                + "directory: give each its own"));
      }
    }
  }
}
