package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.util.Pair;
import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block tree as a GraphDef: names, edges and attributes, computed without training. */
class BlockGraphTest {
  static final Shape DEMO_INPUT = new Shape(64, 1, 28, 28);

  static NDManager manager;

  @TempDir
  Path dir;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static <B extends Block> B initialized(B block, Shape input) {
    block.initialize(manager, DataType.FLOAT32, input);
    return block;
  }

  static Map<String, NodeDef> byName(GraphDefProto g) {
    Map<String, NodeDef> out = new LinkedHashMap<>();
    for (NodeDef n : g.nodes()) {
      out.put(n.name(), n);
    }
    return out;
  }

  static List<String> names(GraphDefProto g) {
    return g.nodes().stream().map(NodeDef::name).collect(Collectors.toList());
  }

  static List<TensorShape> shapes(NodeDef n) {
    AttrValue v = n.attrs().get(BlockGraph.OUTPUT_SHAPES);
    if (v == null) {
      return null;
    }
    List<TensorShape> out = new ArrayList<>();
    for (AttrValue s : ((AttrValue.ListOf) v).values()) {
      out.add(((AttrValue.Shape) s).shape());
    }
    return out;
  }

  static String str(NodeDef n, String attr) {
    AttrValue v = n.attrs().get(attr);
    return v == null ? null : ((AttrValue.Str) v).utf8();
  }

  /** The node's {@code param_count}; 0 for the input and output nodes, which have none. */
  static long paramCount(NodeDef n) {
    AttrValue v = n.attrs().get(BlockGraph.PARAM_COUNT);
    return v == null ? 0 : ((AttrValue.Int) v).value();
  }

  /** The layer names of the nodes that carry one, in node order. */
  static List<String> layerAttrs(GraphDefProto g) {
    List<String> out = new ArrayList<>();
    for (NodeDef n : g.nodes()) {
      if (n.attrs().containsKey(BlockGraph.LAYER)) {
        out.add(str(n, BlockGraph.LAYER));
      }
    }
    return out;
  }

  static long trainableElements(Block b) {
    long n = 0;
    for (Pair<String, Parameter> p : b.getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  static long leaves(Block b) {
    if (b.getChildren().isEmpty()) {
      return 1;
    }
    long n = 0;
    for (Pair<String, Block> c : b.getChildren()) {
      n += leaves(c.getValue());
    }
    return n;
  }

  @Test
  void demoNetwork_oneNodePerLeafInForwardOrder_layersNamedAsInTheTags() {
    SequentialBlock net = initialized(Demo.cnn(0.25f, 0f), DEMO_INPUT);
    GraphDefProto g = BlockGraph.of(net, DEMO_INPUT);

    assertEquals(List.of("input", "SequentialBlock/conv2d_1", "SequentialBlock/relu_1", "SequentialBlock/maxpool2d_1",
        "SequentialBlock/conv2d_2", "SequentialBlock/relu_2", "SequentialBlock/maxpool2d_2",
        "SequentialBlock/batchflatten_1", "SequentialBlock/dropout_1", "SequentialBlock/linear_1", "output"), names(g));
    assertEquals(leaves(net) + 2, g.nodes().size(), "every leaf block, the input and the output");
    assertEquals(List.of("Placeholder", "Conv2d", "LambdaBlock", "LambdaBlock", "Conv2d", "LambdaBlock", "LambdaBlock",
        "LambdaBlock", "Dropout", "Linear", "Identity"), g.nodes().stream().map(NodeDef::op).toList());
    // data flows in forward order: each node is fed by the one before it
    assertEquals(List.of(), g.nodes().get(0).inputs());
    for (int i = 1; i < g.nodes().size(); i++) {
      assertEquals(List.of(g.nodes().get(i - 1).name()), g.nodes().get(i).inputs(), g.nodes().get(i).name());
    }

    // layer attributes: the listener's own layer names, on the nodes named by them
    List<String> listenerLayers = Network.of(net).layers.stream().map(l -> l.name).toList();
    assertEquals(List.of("conv2d_1", "conv2d_2", "linear_1"), listenerLayers);
    assertEquals(listenerLayers, layerAttrs(g));
    for (NodeDef n : g.nodes()) {
      if (n.attrs().containsKey(BlockGraph.LAYER)) {
        assertTrue(n.name().endsWith("/" + str(n, BlockGraph.LAYER)), n.name());
      }
    }

    // parameters: the counts add up to the network's, the shapes are the arrays'
    long sum = g.nodes().stream().mapToLong(BlockGraphTest::paramCount).sum();
    assertEquals(trainableElements(net), sum);
    assertEquals(16 * 25 + 16 + 32 * 16 * 25 + 32 + 10 * 32 * 7 * 7 + 10, sum);
    Map<String, NodeDef> nodes = byName(g);
    NodeDef conv1 = nodes.get("SequentialBlock/conv2d_1");
    assertEquals(416, paramCount(conv1));
    assertEquals("[16, 1, 5, 5]", str(conv1, "param:weight"));
    assertEquals("[16]", str(conv1, "param:bias"));
    assertEquals("[10, 1568]", str(nodes.get("SequentialBlock/linear_1"), "param:weight"));
    assertEquals(0, paramCount(nodes.get("SequentialBlock/relu_1")));
    assertNull(str(nodes.get("SequentialBlock/relu_1"), BlockGraph.LAYER));

    // shapes, for the training input's batch size
    assertEquals(List.of(TensorShape.of(64, 1, 28, 28)), shapes(nodes.get("input")));
    assertEquals(List.of(TensorShape.of(64, 16, 28, 28)), shapes(conv1));
    assertEquals(List.of(TensorShape.of(64, 16, 14, 14)), shapes(nodes.get("SequentialBlock/maxpool2d_1")));
    assertEquals(List.of(TensorShape.of(64, 32, 7, 7)), shapes(nodes.get("SequentialBlock/maxpool2d_2")));
    assertEquals(List.of(TensorShape.of(64, 1568)), shapes(nodes.get("SequentialBlock/batchflatten_1")));
    assertEquals(List.of(TensorShape.of(64, 10)), shapes(nodes.get("SequentialBlock/linear_1")));
    assertEquals(List.of(TensorShape.of(64, 10)), shapes(nodes.get("output")));
  }

  @Test
  void nestedNetwork_scopesForContainers_compositeLayerNamesItsScope_countsAddUp() {
    SequentialBlock net = initialized(NetworkTest.nested(), new Shape(5, 2, 5));
    GraphDefProto g = BlockGraph.of(net, new Shape(5, 2, 5));
    assertEquals(List.of("input",
        "SequentialBlock/batchflatten_1",
        "SequentialBlock/linear_1",
        "SequentialBlock/relu_1",
        "SequentialBlock/dropout_1",
        "SequentialBlock/sequentialblock_1/linear_2",
        "SequentialBlock/sequentialblock_1/batchnorm_1",
        "SequentialBlock/sequentialblock_1/tanh_1",
        "SequentialBlock/residual_1/01Linear",
        "SequentialBlock/linear_3",
        "output"), names(g));
    assertEquals(leaves(net) + 2, g.nodes().size());
    for (int i = 1; i < g.nodes().size(); i++) {
      assertEquals(List.of(g.nodes().get(i - 1).name()), g.nodes().get(i).inputs(), "a chain through the scopes");
    }
    Map<String, NodeDef> nodes = byName(g);
    // the listener sees residual_1 as one layer: its inside carries that name and keeps DJL's names, which
    // are those of the layer's parameter tags (weights/residual_1/01Linear_weight)
    NodeDef inner = nodes.get("SequentialBlock/residual_1/01Linear");
    assertEquals("residual_1", str(inner, BlockGraph.LAYER));
    assertEquals(List.of("linear_1", "linear_2", "batchnorm_1", "residual_1", "linear_3"), layerAttrs(g));
    // batch norm's running statistics are state, not trained parameters
    NodeDef bn = nodes.get("SequentialBlock/sequentialblock_1/batchnorm_1");
    assertEquals("[6]", str(bn, "param:gamma"));
    assertEquals("[6]", str(bn, "state:runningMean"));
    assertEquals(12, paramCount(bn));
    long sum = g.nodes().stream().mapToLong(BlockGraphTest::paramCount).sum();
    assertEquals(trainableElements(net), sum);
    assertEquals(List.of(TensorShape.of(5, 6)), shapes(nodes.get("SequentialBlock/sequentialblock_1/tanh_1")));
    assertEquals(List.of(TensorShape.of(5, 4)), shapes(inner));
    assertEquals(List.of(TensorShape.of(5, 3)), shapes(nodes.get("output")));
  }

  @Test
  void parallelBlock_childrenShareTheInput_theirConsumerTakesThemAll() {
    ParallelBlock branches = new ParallelBlock(
        list -> new NDList(NDArrays.concat(new NDList(list.get(0).head(), list.get(1).head()), 1)),
        List.of(Linear.builder().setUnits(4).build(),
            new SequentialBlock().add(Linear.builder().setUnits(6).build()).add(Blocks.identityBlock())));
    SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(branches)
        .add(Linear.builder().setUnits(3).build());
    initialized(net, new Shape(2, 3, 3));
    GraphDefProto g = BlockGraph.of(net, new Shape(2, 3, 3));
    Map<String, NodeDef> nodes = byName(g);
    String a = "SequentialBlock/parallelblock_1/01Linear";
    String b = "SequentialBlock/parallelblock_1/02SequentialBlock/01Linear";
    String bOut = "SequentialBlock/parallelblock_1/02SequentialBlock/02LambdaBlock";
    assertEquals(List.of("input", "SequentialBlock/batchflatten_1", a, b, bOut, "SequentialBlock/linear_1", "output"),
        names(g));
    assertEquals(List.of("SequentialBlock/batchflatten_1"), nodes.get(a).inputs());
    assertEquals(List.of("SequentialBlock/batchflatten_1"), nodes.get(b).inputs());
    assertEquals(List.of(b), nodes.get(bOut).inputs());
    assertEquals(List.of(a, bOut), nodes.get("SequentialBlock/linear_1").inputs());
    assertEquals(List.of(TensorShape.of(2, 9)), shapes(nodes.get("SequentialBlock/batchflatten_1")));
    assertEquals(List.of(TensorShape.of(2, 4)), shapes(nodes.get(a)));
    assertEquals(List.of(TensorShape.of(2, 6)), shapes(nodes.get(bOut)));
    assertEquals("[3, 10]", str(nodes.get("SequentialBlock/linear_1"), "param:weight"), "fed the 4 + 6 joined");
    assertEquals(List.of(TensorShape.of(2, 3)), shapes(nodes.get("output")));
    // the parallel block is one layer to the listener: its inside carries its name
    assertEquals(List.of("parallelblock_1", "linear_1"), Network.of(net).layers.stream().map(l -> l.name).toList());
    assertEquals(List.of("parallelblock_1", "parallelblock_1", "parallelblock_1", "linear_1"), layerAttrs(g));
    long sum = g.nodes().stream().mapToLong(BlockGraphTest::paramCount).sum();
    assertEquals(trainableElements(net), sum);
  }

  @Test
  void shapes_askedForSmallBatchesAndExtended_equalTheBlocksAnswersForTheWholeBatch() {
    SequentialBlock demo = initialized(Demo.cnn(0.25f, 0f), DEMO_INPUT);
    Shape big = new Shape(1000, 1, 28, 28);
    GraphDefProto g = BlockGraph.of(demo, big);
    Shape[] in = {big};
    int i = 1;
    for (Pair<String, Block> c : demo.getChildren()) {
      in = c.getValue().getOutputShapes(in);
      assertEquals(List.of(TensorShape.of(in[0].getShape())), shapes(g.nodes().get(i++)), c.getKey());
    }
    // sizes that grow with the batch other than the first, and sizes that do not grow at all
    SequentialBlock odd = new SequentialBlock()
        .add(new LambdaBlock(x -> new NDList(x.head().reshape(-1), x.head().sum(new int[] {0})), "two"))
        .add(new LambdaBlock(x -> new NDList(x.get(0).reshape(-1, 3), x.get(1)), "again"));
    GraphDefProto h = BlockGraph.of(odd, new Shape(50, 3, 3));
    Map<String, NodeDef> nodes = byName(h);
    assertEquals(List.of(TensorShape.of(450), TensorShape.of(3, 3)), shapes(nodes.get("SequentialBlock/two_1")));
    assertEquals(List.of(TensorShape.of(150, 3), TensorShape.of(3, 3)), shapes(nodes.get("SequentialBlock/again_1")));
    assertEquals(List.of("SequentialBlock/two_1", "SequentialBlock/two_1:1"),
        nodes.get("SequentialBlock/again_1").inputs());
    assertEquals(List.of("SequentialBlock/again_1", "SequentialBlock/again_1:1"), nodes.get("output").inputs());
    assertEquals(List.of(odd.getOutputShapes(new Shape[] {new Shape(50, 3, 3)})).stream()
        .map(s -> TensorShape.of(s.getShape())).toList(), shapes(nodes.get("output")));
  }

  @Test
  void singleLayerRoot_isItsOwnNode_andWithoutInputShapesNoShapesAreGiven() {
    Linear dense = initialized(Linear.builder().setUnits(3).build(), new Shape(4, 5));
    GraphDefProto g = BlockGraph.of(dense);
    assertEquals(List.of("input", "linear_1", "output"), names(g));
    assertEquals(List.of("linear_1"), g.nodes().get(2).inputs());
    for (NodeDef n : g.nodes()) {
      assertFalse(n.attrs().containsKey(BlockGraph.OUTPUT_SHAPES), n.name());
    }
    assertEquals("linear_1", str(g.nodes().get(1), BlockGraph.LAYER));
    assertEquals(18, paramCount(g.nodes().get(1)));
  }

  @Test
  void namesAreUnique_evenForManyBlocksOfOneKind() {
    SequentialBlock net = Demo.mlp(12, 4, ai.djl.nn.Activation.reluBlock(), null);
    initialized(net, new Shape(2, 784));
    GraphDefProto g = BlockGraph.of(net, new Shape(2, 784));
    Set<String> seen = new HashSet<>();
    for (NodeDef n : g.nodes()) {
      assertTrue(seen.add(n.name()), "twice: " + n.name());
    }
    assertTrue(seen.contains("SequentialBlock/relu_12"));
    assertTrue(seen.contains("SequentialBlock/linear_13"));
  }

  @Test
  void badArguments_throw() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockGraph.of(null, DEMO_INPUT));
    assertEquals("root must not be null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BlockGraph.of(Fixture.smallCnn(), DEMO_INPUT, null));
    assertEquals("inputShapes[1] must not be null", e.getMessage());
  }

  @Test
  void listener_withGraphSkipped_writesNoGraph() throws Exception {
    ArrayDataset data = Fixture.dataset(manager, 0, 32, true, 16, false);
    Fixture.train(Fixture.smallCnn(), 1, 1, data, null, new Shape(16, 1, 28, 28),
        model -> List.of(TrainscopeListener.builder(dir).skip(Logged.GRAPH).build()));
    Logs logs = Logs.read(dir);
    assertEquals(List.of(), logs.graphs);
    assertTrue(logs.byTag.containsKey("train/loss"));
  }
}
