package dev.trainscope.diagnose;

import dev.trainscope.data.LogdirData;
import dev.trainscope.data.NoSuchRunException;
import dev.trainscope.data.NoSuchTagException;
import dev.trainscope.data.RunInfo;
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
  public List<Finding> diagnose(LogdirData store) {
    List<Finding> out = new ArrayList<>();
    for (Subject s : subjects(store)) {
      out.addAll(diagnose(s));
    }
    out.sort(ORDER);
    return out;
  }

  /**
   * The findings of one training, most severe first. A rule that fails does not stop the others:
   * its failure is logged (see {@link #examine(Subject)} for where it is shown).
   */
  public List<Finding> diagnose(Subject subject) {
    return run(subject, new java.util.HashMap<>());
  }

  /** Runs every rule over the training; a rule that throws is put in {@code failed} with why. */
  private List<Finding> run(Subject subject, Map<String, String> failed) {
    List<Finding> out = new ArrayList<>();
    for (Rule r : rules) {
      int before = out.size();
      try {
        r.check(subject, thresholds, out);
      } catch (NoSuchRunException | NoSuchTagException e) {
        // a run or tag removed while it was read: the next pass sees the logs as they are
        out.subList(before, out.size()).clear();
        failed.put(r.id(), "the logs changed while they were read (" + e.getMessage() + ")");
      } catch (RuntimeException e) {
        out.subList(before, out.size()).clear();
        LOG.log(System.Logger.Level.WARNING, "rule " + r.id() + " failed on training '" + subject.name()
            + "'; the other rules went on", e);
        failed.put(r.id(), "the rule failed on these logs (" + e + "): a bug in Trainscope, please report it");
      }
    }
    out.sort(ORDER);
    return out;
  }

  private static final System.Logger LOG = System.getLogger(Doctor.class.getName());

  /** Every training of the store examined: roles, coverage, findings and verdict. */
  public List<Examination> examine(LogdirData store) {
    List<Examination> out = new ArrayList<>();
    for (Subject s : subjects(store)) {
      out.add(examine(s));
    }
    return out;
  }

  /** One training examined. */
  public Examination examine(Subject subject) {
    Map<String, String> failed = new java.util.HashMap<>();
    List<Finding> findings = run(subject, failed);
    Map<String, Coverage> coverage = new java.util.LinkedHashMap<>();
    for (Rule r : rules) {
      if (failed.containsKey(r.id())) {
        coverage.put(r.id(), Coverage.notChecked(failed.get(r.id())));
        continue;
      }
      try {
        coverage.put(r.id(), r.coverage(subject));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "rule " + r.id() + " could not tell its coverage of '" + subject.name()
            + "'", e);
        coverage.put(r.id(), Coverage.notChecked("the logs could not be read: " + e));
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
  public List<Subject> subjects(LogdirData store) {
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
