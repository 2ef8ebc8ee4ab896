package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

/**
 * What the graph fuzz tests ask of a decoder: it either gives a well-formed {@link ModelGraph} or
 * throws {@link BadGraphException}; anything else escapes to the fuzzer as a finding.
 */
final class DecodedGraphs {
  private DecodedGraphs() {}

  /**
   * Decodes; on success checks that names are unique, that every edge joins two of the graph's
   * nodes, and that the graph's scope tree (what the server lays out) holds every node.
   */
  static void decodeOrBadGraph(Supplier<ModelGraph> decode) {
    ModelGraph g;
    try {
      g = decode.get();
    } catch (BadGraphException expected) {
      return;
    }
    int n = g.nodes().size();
    for (int i = 0; i < n; i++) {
      assertEquals(i, g.indexOf(g.node(i).name()), "node names are unique");
    }
    for (ModelGraph.Edge e : g.edges()) {
      assertTrue(e.from() >= 0 && e.from() < n && e.to() >= 0 && e.to() < n, () -> e + " joins nodes of " + n);
    }
    ScopeTree tree = ScopeTree.of(g);
    for (int i = 0; i < n; i++) {
      assertTrue(tree.groupOf(i) != null, "every node sits in a scope");
    }
  }
}
