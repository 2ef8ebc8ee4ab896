package dev.trainscope.diagnose;

import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the rules over a store: each training (a run, or Keras' train/validation runs together)
 * is examined by every rule; findings come sorted by run, most severe first.
 */
public final class Doctor {
  private final List<Rule> rules;
  private final Roles roles;
  private final Thresholds thresholds;

  public Doctor(List<Rule> rules, Roles roles, Thresholds thresholds) {
    this.rules = List.copyOf(rules);
    this.roles = Objects.requireNonNull(roles, "roles");
    this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
  }

  public static Doctor defaults() {
    return new Doctor(Rules.all(), Roles.defaults(), Thresholds.defaults());
  }

  /** Every finding over every run of the store. */
  public List<Finding> diagnose(RunStore store) {
    List<Finding> out = new ArrayList<>();
    for (Subject s : subjects(store)) {
      out.addAll(diagnose(s));
    }
    out.sort(ORDER);
    return out;
  }

  /** The findings of one training, most severe first. A rule that fails on odd data is skipped, not fatal. */
  public List<Finding> diagnose(Subject subject) {
    List<Finding> out = new ArrayList<>();
    for (Rule r : rules) {
      try {
        r.check(subject, thresholds, out);
      } catch (RuntimeException e) {
        // a run removed or changed meanwhile, or data a rule cannot read: the other rules still run
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** Every training of the store examined: roles, coverage, findings and verdict. */
  public List<Examination> examine(RunStore store) {
    List<Examination> out = new ArrayList<>();
    for (Subject s : subjects(store)) {
      out.add(examine(s));
    }
    return out;
  }

  /** One training examined. */
  public Examination examine(Subject subject) {
    List<Finding> findings = diagnose(subject);
    Map<String, Coverage> coverage = new java.util.LinkedHashMap<>();
    for (Rule r : rules) {
      try {
        coverage.put(r.id(), r.coverage(subject));
      } catch (RuntimeException e) {
        coverage.put(r.id(), Coverage.notChecked("the logs could not be read: " + e.getMessage()));
      }
    }
    return new Examination(subject.name(), subject.runs(), subject.roles(), coverage, findings,
        Verdict.of(subject.name(), findings));
  }

  /** The verdict of one training's findings (as {@link #diagnose(Subject)} gives them). */
  public static Verdict verdict(String subject, List<Finding> findings) {
    return Verdict.of(subject, findings);
  }

  /** The subjects of a store, for callers that examine them one by one (live updates). */
  public List<Subject> subjects(RunStore store) {
    List<String> names = new ArrayList<>();
    for (RunInfo r : store.runs()) {
      names.add(r.name());
    }
    List<Subject> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : Subject.group(names).entrySet()) {
      out.add(new Subject(e.getKey(), e.getValue(), store, roles));
    }
    return out;
  }

  public Roles roles() {
    return roles;
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  /** By run, then most severe first, then by first step. */
  public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::run)
      .thenComparing(Finding::severity, Comparator.reverseOrder())
      .thenComparingLong(Finding::fromStep);
}
