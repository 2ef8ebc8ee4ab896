package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * What the graph fuzz tests ask of a decoder: it either gives a well-formed {@link ModelGraph} or
 * throws {@link BadGraphException}; anything else escapes to the fuzzer as a finding.
 */
final class DecodedGraphs {
  private DecodedGraphs() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Decodes {@code inputLength} bytes; on success checks that names are unique, that every edge
   * joins two of the graph's nodes, and that the graph's scope tree (what the server lays out) holds
   * every node. Either way, what was allocated on this thread must stay within 32 MB and 1 KB per
   * input byte (a fuzzer's malloc limit: a decoder that believes a size declared in the input
   * allocates far more).
   */
  static void decodeOrBadGraph(int inputLength, Supplier<ModelGraph> decode) {
    Runnable r = () -> {
      try {
        check(decode.get());
      } catch (BadGraphException expected) {
        // bad bytes, said so
      }
    };
    // over the budget, once more: the first use of a class allocates on the thread too
    long budget = (32L << 20) + 1024L * inputLength;
    if (allocatedBy(r) > budget) {
      long again = allocatedBy(r);
      assertTrue(again <= budget, () -> again + " bytes allocated for one input, more than the " + budget + " allowed");
    }
  }

  private static long allocatedBy(Runnable r) {
    long start = THREADS.getCurrentThreadAllocatedBytes();
    r.run();
    return THREADS.getCurrentThreadAllocatedBytes() - start;
  }

  private static void check(ModelGraph g) {
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
