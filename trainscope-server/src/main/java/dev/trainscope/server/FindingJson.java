package dev.trainscope.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainscope.diagnose.Coverage;
import dev.trainscope.diagnose.Examination;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.TagRole;
import dev.trainscope.diagnose.Verdict;
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
 * tag was read as and what each rule could examine.
 */
public final class FindingJson {
  private FindingJson() {}

  /** A finding: rule, severity, run, tags, layer, fromStep, toStep, evidence, summary, suggestion, basis. */
  public static Map<String, Object> finding(Finding f, String run) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", f.rule());
    m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    m.put("run", run);
    m.put("tags", f.tags());
    m.put("layer", f.layer());
    m.put("fromStep", f.fromStep());
    m.put("toStep", f.toStep());
    m.put("evidence", f.evidence());
    m.put("summary", f.summary());
    m.put("suggestion", f.suggestion());
    m.put("basis", f.basis());
    return m;
  }

  /**
   * A training's verdict, its findings given as indices into {@code index}'s list; with {@code
   * explain}, also the roles of its tags and the coverage of every rule.
   */
  public static Map<String, Object> verdict(Examination e, IdentityHashMap<Finding, Integer> index,
      UnaryOperator<String> shown, boolean explain) {
    Verdict v = e.verdict();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", shown.apply(e.subject()));
    m.put("runs", e.runs().stream().map(shown).toList());
    m.put("healthy", v.healthy());
    m.put("severity", v.severity() == null ? null : v.severity().name().toLowerCase(Locale.ROOT));
    m.put("root", v.root() == null ? null : index.get(v.root()));
    m.put("consequences", indices(v.consequences(), index));
    m.put("others", indices(v.others(), index));
    m.put("notes", indices(v.notes(), index));
    m.put("checks", checks(e));
    if (explain) {
      m.putAll(explanation(e, shown));
    }
    return m;
  }

  /** What each tag was read as and from what, and which rules could examine the training. */
  public static Map<String, Object> explanation(Examination e, UnaryOperator<String> shown) {
    List<Map<String, Object>> roles = new ArrayList<>();
    for (TagRole t : e.roles()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("run", shown.apply(t.run()));
      r.put("tag", t.tag());
      r.put("role", t.role().id());
      r.put("split", t.split().id());
      r.put("layer", t.layer());
      r.put("param", t.param());
      r.put("source", t.source());
      roles.add(r);
    }
    List<Map<String, Object>> coverage = new ArrayList<>();
    for (Map.Entry<String, Coverage> c : e.coverage().entrySet()) {
      coverage.add(Map.of("rule", c.getKey(), "status", c.getValue().status().id(), "detail", c.getValue().detail()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("roles", roles);
    m.put("coverage", coverage);
    return m;
  }

  /** How many rules examined the training fully, partly, or not at all: {"checked", "partly", "not checked"}. */
  static Map<String, Integer> checks(Examination e) {
    Map<String, Integer> n = new LinkedHashMap<>();
    for (Coverage.Status s : Coverage.Status.values()) {
      n.put(s.id(), 0);
    }
    for (Coverage c : e.coverage().values()) {
      n.merge(c.status().id(), 1, Integer::sum);
    }
    return n;
  }

  private static List<Integer> indices(List<Finding> fs, IdentityHashMap<Finding, Integer> index) {
    List<Integer> out = new ArrayList<>();
    for (Finding f : fs) {
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
