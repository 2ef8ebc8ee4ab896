package dev.trainscope.djl;

/** The network's block tree as a graph ({@link BlockGraph}), once, when the input's shape is known. */
final class GraphProbe extends Probe {
  GraphProbe() {
    super("graph", Logged.GRAPH);
  }

  @Override
  void start(Context c, Step s) {
    c.log.graph(BlockGraph.of(c.network.root, s.batch.getBatch().getData().getShapes()));
  }
}
