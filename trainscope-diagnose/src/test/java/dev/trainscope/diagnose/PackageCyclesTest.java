package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The diagnosis module's classes depend on each other without a cycle: the registry ({@link
 * Rules}) names the rules, rules use helpers, helpers use neither. Read from the compiled classes
 * by the JDK's {@code jdeps -verbose:class}; a nested class counts as its top-level class.
 */
class PackageCyclesTest {
  private static final String PACKAGE = "dev.trainscope.diagnose";
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");
  /** Class to the classes of this module it uses, by simple top-level name. */
  private static Map<String, Set<String>> uses;

  @BeforeAll
  static void readDependencies() throws Exception {
    Path classes = Path.of(Rules.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none", classes.toString());
    assertEquals(0, rc, "jdeps failed: " + err);
    uses = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && inModule(m.group(1)) && inModule(m.group(2))) {
        String from = topLevel(m.group(1));
        String to = topLevel(m.group(2));
        uses.computeIfAbsent(from, k -> new TreeSet<>());
        if (!from.equals(to)) {
          uses.get(from).add(to);
        }
      }
    }
    assertTrue(uses.containsKey("Rules") && uses.get("Rules").contains("Stall"), "jdeps output not understood: " + uses);
  }

  private static boolean inModule(String className) {
    return className.startsWith(PACKAGE + ".");
  }

  private static String topLevel(String className) {
    String simple = className.substring(PACKAGE.length() + 1);
    int nested = simple.indexOf('$');
    return nested < 0 ? simple : simple.substring(0, nested);
  }

  @Test
  void classes_formNoCycle() {
    List<List<String>> cycles = stronglyConnected().stream().filter(c -> c.size() > 1).toList();
    assertEquals(List.of(), cycles, "classes that depend on each other, directly or around a cycle");
  }

  @Test
  void onlyTheRegistryNamesRules() {
    Set<String> rules = new TreeSet<>();
    for (Rule r : Rules.all()) {
      rules.add(r.getClass().getSimpleName());
    }
    Map<String, Set<String>> wrong = new TreeMap<>();
    uses.forEach((from, tos) -> {
      if (!from.equals("Rules")) {
        for (String to : tos) {
          if (rules.contains(to)) {
            wrong.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
          }
        }
      }
    });
    assertEquals(Map.of(), wrong, "rule classes used by others than the registry: shared code belongs in a helper");
  }

  /** Tarjan's strongly connected components of the class graph. */
  private static List<List<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> out = new ArrayList<>();
    for (String v : uses.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, index, low, stack, onStack, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, List<List<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : uses.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      component.sort(null);
      out.add(component);
    }
  }
}
