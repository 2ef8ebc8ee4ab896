package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {
  /** A block that is a SequentialBlock by type but not by behaviour. */
  static final class Residual extends SequentialBlock {}

  static SequentialBlock nested() {
    SequentialBlock inner = new SequentialBlock().add(Linear.builder().setUnits(6).build()).add(BatchNorm.builder().build())
        .add(Activation.tanhBlock());
    return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(8).build())
        .add(Activation.reluBlock()).add(Dropout.builder().optRate(0.5f).build()).add(inner)
        .add(new Residual().add(Linear.builder().setUnits(4).build())).add(Linear.builder().setUnits(3).build());
  }

  @Test
  void layers_nestedSequentialsFlattened_namedByTypeAndOrder_activationsFound() {
    Network n = Network.of(nested());
    List<String> layers = new ArrayList<>();
    for (Network.Layer l : n.layers) {
      layers.add(l.name + (l.activationName != null ? "+" + l.activationName : ""));
    }
    assertEquals(List.of("linear_1+relu", "linear_2", "batchnorm_1+tanh", "residual_1", "linear_3"), layers);
    assertEquals(9, n.steps.size(), "flatten, linear, relu, dropout, linear, batchnorm, tanh, residual, linear");
    List<String> params = new ArrayList<>();
    for (Network.Param p : n.params()) {
      params.add(p.tagName());
    }
    // batch norm's running mean and variance are not trained: not parameters here
    assertEquals(List.of("linear_1", "linear_1/bias", "linear_2", "linear_2/bias", "batchnorm_1/gamma",
        "batchnorm_1/beta", "residual_1/01Linear_weight", "residual_1/01Linear_bias", "linear_3", "linear_3/bias"),
        params);
    assertNull(n.firstConv2d());
  }

  @Test
  void forward_stepByStep_givesTheWholeBlocksInferenceOutput() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = nested();
      net.initialize(m, DataType.FLOAT32, new Shape(5, 2, 5));
      NDArray x = m.randomNormal(new Shape(5, 2, 5));
      ParameterStore store = new ParameterStore(m, false);
      float[] whole = net.forward(store, new NDList(x), false).head().toFloatArray();
      List<Integer> visited = new ArrayList<>();
      float[] stepwise = Network.of(net).forward(store, new NDList(x), (i, out) -> visited.add(i)).head().toFloatArray();
      assertArrayEquals(whole, stepwise);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), visited);
    }
  }
}
