package dev.trainscope.diagnose;

import java.util.List;
import java.util.Map;

/**
 * Everything the doctor can say about one training: what each tag was read as, which rules could
 * examine it and on what evidence, what they found, and the verdict.
 *
 * @param subject the training's name
 * @param runs the runs it is made of
 * @param roles every tag with the role it was given and where that came from
 * @param coverage per rule id, whether it could examine the training
 * @param findings what the rules found, most severe first
 * @param verdict the findings grouped: root cause, consequences, the rest
 */
public record Examination(String subject, List<String> runs, List<TagRole> roles, Map<String, Coverage> coverage,
    List<Finding> findings, Verdict verdict) {

  public Examination {
    runs = List.copyOf(runs);
    roles = List.copyOf(roles);
    coverage = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(coverage));
    findings = List.copyOf(findings);
  }

  /** How many rules examined the training fully, partly, or not at all; every status, 0 included. */
  public Map<Coverage.Status, Integer> checks() {
    Map<Coverage.Status, Integer> n = new java.util.EnumMap<>(Coverage.Status.class);
    for (Coverage.Status s : Coverage.Status.values()) {
      n.put(s, 0);
    }
    for (Coverage c : coverage.values()) {
      n.merge(c.status(), 1, Integer::sum);
    }
    return n;
  }
}
