package dev.trainscope.benchmarks;

import dev.trainscope.graph.GraphLayout;
import dev.trainscope.graph.ModelGraph;
import dev.trainscope.graph.ScopeTree;
import dev.trainscope.graph.TfGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole-process timing of the Graph tab's server side on a big GraphDef: decode the bytes, build
 * the scope tree, lay out the default view, and lay out the graph with every scope open (every op
 * a box: the worst case). Each measured {@code RUNS} times after two warm-up rounds; medians and
 * ranges printed.
 *
 * <p>Usage: {@code GraphLayoutBench [GRAPH.pb] [RUNS]}; without a file, the generated ResNet-50
 * training graph of {@link GenerateGraph}.
 */
public final class GraphLayoutBench {
  public static void main(String[] args) throws Exception {
    byte[] bytes = args.length > 0 && !args[0].equals("-") ? Files.readAllBytes(Path.of(args[0]))
        : GenerateGraph.resnet50(0).toByteArray();
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<long[]> rows = new ArrayList<>();
    ModelGraph g = null;
    GraphLayout.Layout full = null;
    GraphLayout.Layout def = null;
    for (int r = 0; r < runs + 2; r++) {
      long t0 = System.nanoTime();
      g = TfGraphs.read(bytes);
      long t1 = System.nanoTime();
      ScopeTree tree = ScopeTree.of(g);
      long t2 = System.nanoTime();
      def = GraphLayout.layout(tree, GraphLayout.defaultExpanded(tree));
      long t3 = System.nanoTime();
      List<String> all = new ArrayList<>();
      collect(tree.root(), all);
      full = GraphLayout.layout(tree, all);
      long t4 = System.nanoTime();
      GraphLayout.layout(tree, all, GraphLayout.THOROUGH);
      long t5 = System.nanoTime();
      if (r >= 2) {
        rows.add(new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4});
      }
    }
    System.out.printf("graph: %d nodes, %d edges, %d bytes; default view %d boxes, %d lines; full view %d boxes, %d lines%n",
        g.nodes().size(), g.edges().size(), bytes.length, def.boxes().size(), def.lines().size(),
        full.boxes().size(), full.lines().size());
    String[] names = {"decode GraphDef", "scope tree", "layout default view", "layout all open (used)",
        "layout all open, thoroughness 7"};
    for (int c = 0; c < names.length; c++) {
      long[] v = new long[rows.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = rows.get(i)[c];
      }
      Arrays.sort(v);
      System.out.printf("%-32s median %8.1f ms  (min %.1f, max %.1f, %d runs)%n", names[c], v[v.length / 2] / 1e6,
          v[0] / 1e6, v[v.length - 1] / 1e6, v.length);
    }
  }

  private static void collect(ScopeTree.Group g, List<String> out) {
    for (ScopeTree.Group c : g.groups()) {
      out.add(c.path());
      collect(c, out);
    }
  }
}
