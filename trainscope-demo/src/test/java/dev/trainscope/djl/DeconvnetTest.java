package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.trainscope.djl.Deconvnet.Mode;
import dev.trainscope.djl.Deconvnet.PoolGeometry;
import dev.trainscope.djl.Deconvnet.Trace;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The way back: switches, unpooling, ReLU rules and transposed convolutions, against plain Java and the engine. */
class DeconvnetTest {
  /** conv3x3(4)-relu-pool-conv3x3(6) on MNIST digits: the pool's switches are those of its forward pass. */
  @ParameterizedTest(name = "pool {0}x{0} stride {1}")
  @CsvSource({"2, 2", "3, 2"})
  void switches_areTheArgmaxOfEachWindowOfTheRecordedInput_andUnpoolingPutsValuesThere(int k, int s) {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(k, k), new Shape(s, s)))
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(6).build());
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      Deconvnet d = Deconvnet.of(Network.of(net));
      assertEquals(4, d.size(), "conv, relu, pool, conv: all can be walked back");
      NDArray x = Fixture.images(m, 100, 110, true);
      Trace t = d.trace(x, 3, m);
      assertEquals(new PoolGeometry(k, k, s, s, 0, 0), t.pool(2), "found from the shapes and the values");

      int[] in = t.inputShape(2);
      int[] out = t.outputShape(2);
      assertArrayEquals(new int[] {4, 26, 26}, in);
      int oh = (26 - k) / s + 1;
      assertArrayEquals(new int[] {4, oh, oh}, out);
      float[] pre = t.input(2);
      float[] pooled = t.output(2);
      int[] sw = t.switches(2);
      // the engine's own forward pass of the pool, compared with the recorded one
      float[] engine = Pool.maxPool2d(x.getManager().create(pre, new Shape(10, 4, 26, 26)), new Shape(k, k),
          new Shape(s, s), new Shape(0, 0), false).toFloatArray();
      assertArrayEquals(engine, pooled);
      int distinct = 0;
      for (int plane = 0; plane < 10 * 4; plane++) {
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < oh; xx++) {
            // plain Java: the first maximum of the window, row by row
            int best = -1;
            for (int a = 0; a < k; a++) {
              for (int b = 0; b < k; b++) {
                int p = (y * s + a) * 26 + xx * s + b;
                if (best < 0 || pre[plane * 676 + p] > pre[plane * 676 + best]) {
                  best = p;
                }
              }
            }
            int o = (plane * oh + y) * oh + xx;
            assertEquals(best, sw[o], "switch of plane " + plane + " at (" + y + ", " + xx + ")");
            assertEquals(pooled[o], pre[plane * 676 + sw[o]], 0f, "the pooled value is the input's at the switch");
            distinct += best != (y * s) * 26 + xx * s ? 1 : 0;
          }
        }
      }
      assertTrue(distinct > 100, "switches not all at the window's corner: " + distinct);

      // unpooling image 7: each value lands exactly on its switch (sums where windows overlap), zero elsewhere
      int image = 7;
      float[] signal = new float[4 * oh * oh];
      for (int i = 0; i < signal.length; i++) {
        signal[i] = i + 1;
      }
      float[] up = Deconvnet.unpool(signal, sw, image, out, in);
      float[] expected = new float[4 * 26 * 26];
      for (int c = 0; c < 4; c++) {
        for (int o = 0; o < oh * oh; o++) {
          expected[c * 676 + sw[(image * 4 + c) * oh * oh + o]] += signal[c * oh * oh + o];
        }
      }
      assertArrayEquals(expected, up);
      double total = 0;
      int nonZero = 0;
      for (float v : up) {
        total += v;
        nonZero += v != 0 ? 1 : 0;
      }
      assertEquals((double) signal.length * (signal.length + 1) / 2, total, 1e-3, "nothing lost, nothing added");
      if (k == s) {
        assertEquals(signal.length, nonZero, "windows apart: one position each");
      }
    }
  }

  /**
   * conv1x1 identity - ReLU - conv3x3 of ones on an image with negative pixels: the deconvnet lets
   * the positive signal through everywhere, guided back-propagation only where the ReLU's forward
   * input (the pixel) was positive.
   */
  @Test
  void guided_isZeroWhereTheForwardReluInputWasNotPositive_andEqualsTheDeconvnetElsewhere() {
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d identity = (Conv2d) Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).optBias(false).build();
      Conv2d ones = (Conv2d) Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(1).optBias(false).build();
      SequentialBlock net = new SequentialBlock().add(identity).add(Activation.reluBlock()).add(ones);
      net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 5));
      weight(identity).set(new float[] {1f});
      weight(ones).set(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
      float[] pixels = {
          1, 2, -1, 3, 1,
          -2, 4, 5, -3, 2,
          1, -1, 2, 6, -4,
          3, 1, -5, 2, 1,
          1, 1, 1, 1, 1};
      NDArray x = m.create(pixels, new Shape(1, 1, 5, 5));
      Deconvnet d = Deconvnet.of(Network.of(net));
      Trace t = d.trace(x, 2, m);
      // output (1, 1) of the 3 x 3 conv reads pixels rows 1..3, columns 1..3 after the ReLU: 4+5+2+6+1+2 = 20
      assertEquals(20f, t.output(2)[1 * 3 + 1]);
      float[] deconv = d.reconstruct(t, 0, 2, 0, 1 * 3 + 1, Mode.DECONVNET);
      float[] guided = d.reconstruct(t, 0, 2, 0, 1 * 3 + 1, Mode.GUIDED);
      int differ = 0;
      for (int y = 0; y < 5; y++) {
        for (int xx = 0; xx < 5; xx++) {
          int p = y * 5 + xx;
          boolean window = y >= 1 && y <= 3 && xx >= 1 && xx <= 3;
          assertEquals(window ? 20f : 0f, deconv[p], "deconvnet at (" + y + ", " + xx + ")");
          if (window && pixels[p] <= 0) {
            assertEquals(0f, guided[p], "guided at a negative pixel (" + y + ", " + xx + ")");
            assertNotEquals(deconv[p], guided[p]);
            differ++;
          } else {
            assertEquals(deconv[p], guided[p], "guided equals the deconvnet at (" + y + ", " + xx + ")");
          }
        }
      }
      assertEquals(3, differ, "the window holds three negative pixels: -3 at (1, 3), -1 at (2, 1), -5 at (3, 2)");
    }
  }

  @Test
  void reluRules_deconvnetRectifiesTheSignal_guidedAlsoNeedsAPositiveForwardInput() {
    float[] input = {1, -1, 2, -2, 0, 3};
    float[] signal = {2, 3, -1, -4, 5, 0};
    float[] deconv = signal.clone();
    Deconvnet.relu(deconv, input, 0, Mode.DECONVNET);
    assertArrayEquals(new float[] {2, 3, 0, 0, 5, 0}, deconv);
    float[] guided = signal.clone();
    Deconvnet.relu(guided, input, 0, Mode.GUIDED);
    assertArrayEquals(new float[] {2, 0, 0, 0, 0, 0}, guided);
  }

  /**
   * The transposed convolution is the adjoint of the engine's convolution: {@code <conv(x), y> =
   * <x, conv^T(y)>} for random x and y, with strides, padding, dilation and groups.
   */
  @ParameterizedTest(name = "stride {0}, padding {1}, dilation {2}, groups {3}, kernel {4}")
  @CsvSource({"1, 0, 1, 1, 3", "1, 2, 1, 1, 5", "2, 1, 1, 1, 3", "2, 0, 2, 2, 3", "3, 1, 1, 2, 4"})
  void transpose_isTheAdjointOfTheEngineConvolution(int stride, int padding, int dilation, int groups, int k) {
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d conv = (Conv2d) Conv2d.builder().setKernelShape(new Shape(k, k)).setFilters(4).optStride(
          new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optDilation(new Shape(dilation, dilation))
          .optGroups(groups).optBias(false).build();
      conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 11, 10));
      Random r = new Random(3);
      float[] x = new float[2 * 11 * 10];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      NDArray out = conv.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(1, 2, 11, 10))), false)
          .head();
      float[] cx = out.toFloatArray();
      long[] os = out.getShape().getShape();
      float[] y = new float[cx.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) r.nextGaussian();
      }
      Deconvnet.ConvStep step = Deconvnet.ConvStep.of(conv, m);
      float[] back = step.transpose(y, new int[] {(int) os[1], (int) os[2], (int) os[3]}, new int[] {2, 11, 10});
      double left = 0;
      double right = 0;
      for (int i = 0; i < y.length; i++) {
        left += (double) cx[i] * y[i];
      }
      for (int i = 0; i < x.length; i++) {
        right += (double) x[i] * back[i];
      }
      assertTrue(Math.abs(left) > 1e-2, "a non-trivial product: " + left);
      assertEquals(left, right, 1e-4 * Math.max(1, Math.abs(left)));
    }
  }

  static NDArray weight(Block conv) {
    return conv.getParameters().get("weight").getArray();
  }
}
