package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.initializer.Initializer;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers built by hand with units known to be dead: a unit whose bias is -1000 never fires, one
 * whose bias is +1000 always does, whatever the (small, initialised) weights do.
 */
class DeadUnitsTest {
  @TempDir
  Path dir;
  NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** An initializer giving exactly these values. */
  static Initializer values(float... v) {
    return (m, shape, type) -> m.create(v, shape);
  }

  @Test
  void denseLayer_threeOfEightBiasesAtMinus1000_logsThreeEighthsDead() throws Exception {
    Block hidden = Linear.builder().setUnits(8).build();
    hidden.setInitializer(values(-1000, 5, -1000, 5, 5, 5, 5, -1000), Parameter.Type.BIAS);
    SequentialBlock net = new SequentialBlock().add(hidden).add(Activation.reluBlock())
        .add(Linear.builder().setUnits(3).build()).add(Activation.sigmoidBlock());
    NDArray x = manager.randomNormal(new Shape(64, 6));
    NDArray y = manager.randomInteger(0, 3, new Shape(64), DataType.INT32).toType(DataType.FLOAT32, false);
    ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(16, false).build();
    Fixture.Trained trained = Fixture.train(net, 3, 1, data, null, new Shape(16, 6),
        model -> List.of(TrainscopeListener.builder(dir).histogramsEvery(2).probeSize(16).build()));
    Logs logs = Logs.read(dir);
    TreeMap<Long, Double> dead = logs.scalars("dead_units/linear_1");
    assertEquals(List.of(0L, 2L, 4L), List.copyOf(dead.keySet()), "histogram steps 0 and 2, and the end (4 steps)");
    for (double d : dead.values()) {
      assertEquals(3.0 / 8, d);
    }
    assertFalse(logs.byTag.containsKey("dead_units/linear_2"), "a sigmoid has no dead units");
    // the same count from the trained weights on the probe (the first 16 samples), by hand
    float[] w = trained.parameters().get("01Linear_weight");
    float[] b = trained.parameters().get("01Linear_bias");
    float[] probe = x.toFloatArray();
    int deadUnits = 0;
    for (int u = 0; u < 8; u++) {
      boolean fires = false;
      for (int s = 0; s < 16; s++) {
        float pre = b[u];
        for (int i = 0; i < 6; i++) {
          pre += w[u * 6 + i] * probe[s * 6 + i];
        }
        fires |= pre > 0;
      }
      deadUnits += fires ? 0 : 1;
    }
    assertEquals(3, deadUnits);
  }

  @Test
  void convolution_twoOfSixChannelsDead_logsOneThirdDead() throws Exception {
    Block conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(6).build();
    conv.setInitializer(values(-1000, 1000, 1000, 1000, 1000, -1000), Parameter.Type.BIAS);
    SequentialBlock net = new SequentialBlock().add(conv).add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2))).add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(10).build());
    ArrayDataset data = Fixture.dataset(manager, 0, 64, true, 32, false);
    Fixture.train(net, 3, 1, data, null, new Shape(32, 1, 28, 28),
        model -> List.of(TrainscopeListener.builder(dir).histogramsEvery(1).imagesEvery(1).build()));
    Logs logs = Logs.read(dir);
    assertEquals((float) (2.0 / 6), logs.scalars("dead_units/conv2d_1").get(0L).floatValue());
    assertEquals((float) (2.0 / 6), logs.scalars("dead_units/conv2d_1").get(1L).floatValue());
    // dead channels are black in the feature maps: channel 0 and 5 of the first probe image
    var maps = logs.images("feature_maps/conv2d_1").get(0L);
    int cell = 26 * 2;
    for (int c : new int[] {0, 5}) {
      int x0 = 2 + c * (cell + 2);
      for (int y = 2; y < 2 + cell; y++) {
        for (int x = x0; x < x0 + cell; x++) {
          assertEquals(0, maps.getRGB(x, y) & 0xFFFFFF, "channel " + c + " pixel " + x + "," + y);
        }
      }
    }
  }
}
