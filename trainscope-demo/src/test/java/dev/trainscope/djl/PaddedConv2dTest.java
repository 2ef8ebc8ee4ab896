package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PaddedConv2d} against the convolution's definition summed in doubles: its output, and in
 * training the gradients of its input, kernels and biases, with one engine thread, with two, and
 * with two while every core is busy, three times each. The engine's own {@link Conv2d} fails the
 * input gradient here (see {@link PaddedConv2d}): with one thread every time, with two some of the
 * time.
 */
class PaddedConv2dTest {
  static final int N = 8;
  static final int REPEATS = 3;

  /** One convolution's shapes: {@code n x cin x h x w} in, {@code cout} kernels of {@code k x k}. */
  record Geometry(int cin, int cout, int k, int stride, int pad, int h, int w) {
    int oh() {
      return (h + 2 * pad - k) / stride + 1;
    }

    int ow() {
      return (w + 2 * pad - k) / stride + 1;
    }
  }

  /** The output and the three gradients for output gradient {@code g}, in doubles, from the definition. */
  record Reference(double[] y, double[] dx, double[] dw, double[] db) {
    static Reference of(Geometry c, float[] x, float[] wt, float[] b, float[] g) {
      int oh = c.oh();
      int ow = c.ow();
      double[] y = new double[N * c.cout * oh * ow];
      double[] dx = new double[x.length];
      double[] dw = new double[wt.length];
      double[] db = new double[c.cout];
      for (int n = 0; n < N; n++) {
        for (int o = 0; o < c.cout; o++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
              int out = ((n * c.cout + o) * oh + i) * ow + j;
              double sum = b[o];
              db[o] += g[out];
              for (int ci = 0; ci < c.cin; ci++) {
                for (int a = 0; a < c.k; a++) {
                  int yy = i * c.stride - c.pad + a;
                  for (int e = 0; e < c.k; e++) {
                    int xx = j * c.stride - c.pad + e;
                    if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) {
                      continue;
                    }
                    int in = ((n * c.cin + ci) * c.h + yy) * c.w + xx;
                    int kw = ((o * c.cin + ci) * c.k + a) * c.k + e;
                    sum += (double) wt[kw] * x[in];
                    dx[in] += (double) g[out] * wt[kw];
                    dw[kw] += (double) g[out] * x[in];
                  }
                }
              }
              y[out] = sum;
            }
          }
        }
      }
      return new Reference(y, dx, dw, db);
    }
  }

  @ParameterizedTest(name = "{0} channels to {1}, {2}x{2}, stride {3}, padding {4}")
  @CsvSource({
      "16, 1, 3, 1, 1, 28", // the autoencoder's output layer
      "3, 5, 4, 2, 1, 14",
      "4, 8, 3, 1, 0, 12"})
  void training_outputAndGradients_areTheDefinitionsSums_withOneAndTwoEngineThreads_andBusyCores(int cin, int cout,
      int k, int stride, int pad, int side) throws InterruptedException {
    Geometry c = new Geometry(cin, cout, k, stride, pad, side, side);
    Random random = new Random(cin * 31L + cout);
    float[] x = gaussian(random, N * cin * side * side);
    float[] g = gaussian(random, N * cout * c.oh() * c.ow());
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d conv = PaddedConv2d.builder().setKernelShape(new Shape(k, k)).optStride(new Shape(stride, stride))
          .optPadding(new Shape(pad, pad)).setFilters(cout).build();
      assertInstanceOf(PaddedConv2d.class, conv);
      conv.initialize(m, DataType.FLOAT32, new Shape(N, cin, side, side));
      NDArray weight = conv.getParameters().get("weight").getArray();
      NDArray bias = conv.getParameters().get("bias").getArray();
      assertEquals(new Shape(cout, cin, k, k), weight.getShape(), "the kernels are its own, unpadded");
      Reference expected = Reference.of(c, x, weight.toFloatArray(), bias.toFloatArray(), g);
      for (Fixture.EngineSetting engine : Fixture.EngineSetting.ALL) {
        engine.run(() -> {
          for (int r = 0; r < REPEATS; r++) {
            String what = engine + ", run " + (r + 1) + ": ";
            try (NDManager s = m.newSubManager()) {
              NDArray input = s.create(x, new Shape(N, cin, side, side));
              input.setRequiresGradient(true);
              NDArray y;
              try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                y = conv.forward(new ParameterStore(s, false), new NDList(input), true).singletonOrThrow();
                collector.backward(y.mul(s.create(g, y.getShape())).sum());
              }
              assertEquals(new Shape(N, cout, c.oh(), c.ow()), y.getShape());
              assertClose(expected.y, y.toFloatArray(), what + "output");
              assertClose(expected.dx, input.getGradient().toFloatArray(), what + "input gradient");
              assertClose(expected.dw, take(weight), what + "kernel gradient");
              assertClose(expected.db, take(bias), what + "bias gradient");
            }
          }
        });
      }
    }
  }

  @Test
  void inference_computesAsConv2d_withoutPadding() {
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d padded = PaddedConv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
          .setFilters(1).build();
      padded.initialize(m, DataType.FLOAT32, new Shape(2, 16, 10, 10));
      assertArrayEquals(new Shape[] {new Shape(2, 1, 10, 10)}, padded.getOutputShapes(
          new Shape[] {new Shape(2, 16, 10, 10)}));
      NDArray x = m.create(gaussian(new Random(9), 2 * 16 * 100), new Shape(2, 16, 10, 10));
      ParameterStore store = new ParameterStore(m, false);
      float[] inference = padded.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
      float[] direct = Conv2d.conv2d(x, padded.getParameters().get("weight").getArray(),
          padded.getParameters().get("bias").getArray(), new Shape(1, 1), new Shape(1, 1)).singletonOrThrow()
          .toFloatArray();
      assertArrayEquals(direct, inference, "the same engine call as Conv2d's");
      float[] training = padded.forward(store, new NDList(x), true).singletonOrThrow().toFloatArray();
      assertEquals(direct.length, training.length);
      for (int i = 0; i < direct.length; i++) {
        assertEquals(direct[i], training[i], 1e-5f * (1 + Math.abs(direct[i])), "value " + i);
      }
    }
  }

  /** The parameter's gradient, then zeroed for the next run (finite values: a NaN has failed before). */
  private static float[] take(NDArray parameter) {
    NDArray grad = parameter.getGradient();
    float[] v = grad.toFloatArray();
    grad.subi(grad);
    grad.close();
    return v;
  }

  private static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Every value within 1e-4 of the largest expected magnitude (float sums of up to a few thousand terms). */
  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    int wrong = 0;
    int first = -1;
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 * scale)) {
        wrong++;
        first = first < 0 ? i : first;
      }
    }
    int at = first;
    int count = wrong;
    assertTrue(wrong == 0, () -> what + ": " + count + " of " + expected.length + " values wrong, the first at " + at
        + ": " + actual[at] + " instead of " + expected[at]);
  }
}
