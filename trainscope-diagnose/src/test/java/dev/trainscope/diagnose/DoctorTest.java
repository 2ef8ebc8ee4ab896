package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor itself: a rule that fails is shown where the user looks, and the others go on. */
class DoctorTest {
  @TempDir
  Path dir;

  /** A rule with a bug: it adds a finding, then throws. */
  static final class Broken implements Rule {
    @Override
    public String id() {
      return "broken";
    }

    @Override
    public void check(Subject subject, Thresholds thresholds, List<Finding> out) {
      out.add(new Finding(id(), Severity.ERROR, subject.name(), List.of(), "", 0, 0, RuleSupport.ev(), "half a finding", ""));
      throw new IllegalStateException("index 3 out of bounds");
    }

    @Override
    public Coverage coverage(Subject subject) {
      return Coverage.checked("everything");
    }
  }

  @Test
  void aRuleThatThrows_isShownInTheCoverage_andTheOtherRulesStillRun() throws Exception {
    List<Rule> rules = new java.util.ArrayList<>(Rules.all());
    rules.add(0, new Broken());
    Doctor doctor = new Doctor(rules, Roles.defaults(), Thresholds.defaults());
    try (RunStore store = new LogBuilder(dir).scalar("run", "train/loss", 0, 100, s -> Double.NaN).store()) {
      Examination e = doctor.examine(store).get(0);
      Coverage c = e.coverage().get("broken");
      assertEquals(Coverage.Status.NOT_CHECKED, c.status());
      assertTrue(c.detail().contains("the rule failed on these logs (java.lang.IllegalStateException: index 3 out of"
          + " bounds)"), c.detail());
      assertTrue(e.findings().stream().noneMatch(f -> f.rule().equals("broken")), "no half finding: " + e.findings());
      assertTrue(e.findings().stream().anyMatch(f -> f.rule().equals("nan-loss")), "the other rules ran: " + e.findings());
    }
  }
}
