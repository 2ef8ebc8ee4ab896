package dev.trainscope.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainscope.diagnose.Coverage;
import dev.trainscope.diagnose.Examination;
import dev.trainscope.diagnose.Severity;
import dev.trainscope.diagnose.TagRole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The diagnosis as JSON, one shape for {@code trainscope doctor --json} and the HTTP API: a
 * finding's fields; a verdict as indices into the list of findings it comes with (root,
 * consequences, others, notes), with its severity and how many rules could examine it; what each
 * tag was read as and what each rule could examine. Records copied field by field from the
 * diagnosis' types, so a change there cannot change this JSON unseen.
 */
public final class FindingJson {
  private FindingJson() {}

  /** A finding, its run as {@code shown}. */
  public record Finding(String rule, String severity, String run, List<String> tags, String layer, long fromStep,
      long toStep, Map<String, Double> evidence, String summary, String suggestion, String basis) {}

  /**
   * A training's verdict, its findings as indices into the list it comes with; {@code roles} and
   * {@code coverage} only when explained (absent otherwise).
   */
  public record Verdict(String subject, List<String> runs, boolean healthy, String severity, Integer root,
      List<Integer> consequences, List<Integer> others, List<Integer> notes, Map<String, Integer> checks,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Role> roles,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Check> coverage) {}

  /** What a tag was read as (role and split by their ids), and from what. */
  public record Role(String run, String tag, String role, String split, String layer, String param, String source) {}

  /** Whether a rule could examine the training ({@code checked}, {@code partly}, {@code not checked}), on what. */
  public record Check(String rule, String status, String detail) {}

  /** A finding: rule, severity, run, tags, layer, fromStep, toStep, evidence, summary, suggestion, basis. */
  public static Finding finding(dev.trainscope.diagnose.Finding f, String run) {
    return new Finding(f.rule(), name(f.severity()), run, f.tags(), f.layer(), f.fromStep(), f.toStep(), f.evidence(),
        f.summary(), f.suggestion(), f.basis());
  }

  /**
   * A training's verdict, its findings given as indices into {@code index}'s list; with {@code
   * explain}, also the roles of its tags and the coverage of every rule.
   */
  public static Verdict verdict(Examination e, IdentityHashMap<dev.trainscope.diagnose.Finding, Integer> index,
      UnaryOperator<String> shown, boolean explain) {
    dev.trainscope.diagnose.Verdict v = e.verdict();
    Map<String, Integer> checks = new LinkedHashMap<>();
    e.checks().forEach((status, n) -> checks.put(status.id(), n));
    return new Verdict(shown.apply(e.subject()), e.runs().stream().map(shown).toList(), v.healthy(),
        v.severity() == null ? null : name(v.severity()), v.root() == null ? null : index.get(v.root()),
        indices(v.consequences(), index), indices(v.others(), index), indices(v.notes(), index), checks,
        explain ? roles(e, shown) : null, explain ? coverage(e) : null);
  }

  /** What each tag was read as and from what. */
  public static List<Role> roles(Examination e, UnaryOperator<String> shown) {
    List<Role> roles = new ArrayList<>();
    for (TagRole t : e.roles()) {
      roles.add(new Role(shown.apply(t.run()), t.tag(), t.role().id(), t.split().id(), t.layer(), t.param(),
          t.source()));
    }
    return roles;
  }

  /** Which rules could examine the training, on what. */
  public static List<Check> coverage(Examination e) {
    List<Check> coverage = new ArrayList<>();
    for (Map.Entry<String, Coverage> c : e.coverage().entrySet()) {
      coverage.add(new Check(c.getKey(), c.getValue().status().id(), c.getValue().detail()));
    }
    return coverage;
  }

  private static String name(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static List<Integer> indices(List<dev.trainscope.diagnose.Finding> fs,
      IdentityHashMap<dev.trainscope.diagnose.Finding, Integer> index) {
    List<Integer> out = new ArrayList<>();
    for (dev.trainscope.diagnose.Finding f : fs) {
      Integer i = index.get(f);
      if (i != null) {
        out.add(i);
      }
    }
    return out;
  }

  /** Writes a value (maps, lists, numbers with NaN as strings) as the API does, indented, leaving {@code out} open. */
  public static void write(java.io.Writer out, Object value) throws IOException {
    Json.MAPPER.writerWithDefaultPrettyPrinter().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, value);
  }
}
