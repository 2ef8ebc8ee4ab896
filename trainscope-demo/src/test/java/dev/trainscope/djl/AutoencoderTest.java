package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VAE block's shapes, its sampling, and its loss against the formulas worked out in doubles. */
class AutoencoderTest {
  @Test
  void shapes_digitsToCodesToDigits() {
    Autoencoder vae = Autoencoder.vae(8);
    Shape[] out = vae.getOutputShapes(new Shape[] {new Shape(5, 1, 28, 28)});
    assertArrayEquals(new Shape[] {new Shape(5, 1, 28, 28), new Shape(5, 8), new Shape(5, 8)}, out);
    try (NDManager m = NDManager.newBaseManager()) {
      vae.initialize(m, DataType.FLOAT32, new Shape(5, 1, 28, 28));
      ParameterStore store = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(5, 1, 28, 28));
      NDList y = vae.forward(store, new NDList(x), false);
      assertEquals(out[0], y.get(0).getShape());
      assertEquals(new Shape(5, 8), vae.encode(store, x).getShape());
      NDArray digits = vae.decode(store, vae.encode(store, x));
      assertEquals(new Shape(5, 1, 28, 28), digits.getShape());
      assertTrue(digits.gte(0).all().getBoolean() && digits.lte(1).all().getBoolean(), "pixel probabilities");
    }
  }

  @Test
  void inference_decodesTheMean_training_samplesAroundIt() {
    Engine.getInstance().setRandomSeed(3);
    Autoencoder vae = Autoencoder.vae(4);
    try (NDManager m = NDManager.newBaseManager()) {
      vae.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
      ParameterStore store = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
      float[] once = vae.forward(store, new NDList(x), false).get(0).toFloatArray();
      float[] again = vae.forward(store, new NDList(x), false).get(0).toFloatArray();
      assertArrayEquals(once, again, "inference is deterministic");
      NDArray meanDecoded = vae.decode(store, vae.encode(store, x));
      float[] logits = vae.forward(store, new NDList(x), false).get(0).toFloatArray();
      float[] probabilities = meanDecoded.toFloatArray();
      for (int i = 0; i < logits.length; i++) {
        assertEquals(1 / (1 + Math.exp(-logits[i])), probabilities[i], 1e-6, "pixel " + i);
      }
      float[] sampled = vae.forward(store, new NDList(x), true).get(0).toFloatArray();
      assertFalse(java.util.Arrays.equals(once, sampled), "training draws z around mu");
    }
  }

  @Test
  void loss_isBinaryCrossEntropySummedOverPixels_plusTheClosedFormKl_meanOverTheBatch() {
    try (NDManager m = NDManager.newBaseManager()) {
      // two "digits" of 4 pixels, latent dimension 2
      float[] logits = {0, 2, -3, 100, -100, 0.5f, 1, -1};
      float[] target = {0, 1, 0.5f, 0, 0, 1, 0.25f, 1};
      float[] mu = {0, 1, -0.5f, 2};
      float[] logvar = {0, -1, 0.3f, -2};
      NDList labels = new NDList(m.create(target, new Shape(2, 1, 2, 2)));
      NDList predictions = new NDList(m.create(logits, new Shape(2, 1, 2, 2)), m.create(mu, new Shape(2, 2)),
          m.create(logvar, new Shape(2, 2)));
      double bce = 0;
      for (int i = 0; i < logits.length; i++) {
        // -[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] = log(1 + e^x) - t x
        double x = logits[i];
        double softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
        bce += softplus - target[i] * x;
      }
      double kl = 0;
      for (int i = 0; i < mu.length; i++) {
        kl += -0.5 * (1 + logvar[i] - mu[i] * mu[i] - Math.exp(logvar[i]));
      }
      bce /= 2;
      kl /= 2;
      assertEquals(bce, Autoencoder.reconstruction().evaluate(labels, predictions).getFloat(), 1e-4);
      assertEquals(kl, Autoencoder.kl().evaluate(labels, predictions).getFloat(), 1e-5);
      assertEquals(bce + kl, Autoencoder.loss().evaluate(labels, predictions).getFloat(), 1e-4);
    }
  }

  /**
   * In training, every parameter's gradient of the negative ELBO is the one the same network gives
   * in doubles, where the engine convolves without oneDNN: with one engine thread, with two, and
   * with two while every core is busy, twice each. The decoder's output layer (16 channels to 1) is
   * where the engine's own convolution passed a wrong gradient back (see {@link PaddedConv2d}). The
   * code is the posterior mean, so that no random draw differs between the two.
   */
  @Test
  void trainingGradients_areThoseOfTheSameNetworkInDoubles_withOneAndTwoEngineThreads_andBusyCores()
      throws InterruptedException {
    Shape in = new Shape(16, 1, 28, 28);
    Mnist digits = Fixture.MNIST.slice(0, 16);
    Autoencoder single = Autoencoder.vae(8);
    Autoencoder twin = Autoencoder.vae(8);
    Engine.getInstance().setRandomSeed(11);
    try (NDManager m = NDManager.newBaseManager()) {
      single.initialize(m, DataType.FLOAT32, in);
      twin.initialize(m, DataType.FLOAT64, in);
      PairList<String, Parameter> ours = single.getParameters();
      PairList<String, Parameter> theirs = twin.getParameters();
      for (int i = 0; i < ours.size(); i++) {
        theirs.valueAt(i).getArray().set(DoubleBuffer.wrap(doubles(ours.valueAt(i).getArray().toFloatArray())));
      }
      NDArray x = m.create(digits.floats(true), in);
      NDArray target = m.create(AutoencoderDemo.unit(digits), in);
      Map<String, double[]> expected = gradients(twin, x.toType(DataType.FLOAT64, true),
          target.toType(DataType.FLOAT64, true));
      assertEquals(12, expected.size(), "weights and biases of 4 convolutions and 2 dense layers: "
          + expected.keySet());
      for (Fixture.EngineSetting engine : Fixture.EngineSetting.ALL) {
        engine.run(() -> {
          for (int r = 1; r <= 2; r++) {
            assertCloseGradients(expected, gradients(single, x, target), engine + ", run " + r);
          }
        });
      }
    }
  }

  /** Each gradient within 1e-4 of its norm (and finite). */
  private static void assertCloseGradients(Map<String, double[]> expected, Map<String, double[]> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, double[]> e : expected.entrySet()) {
      double[] want = e.getValue();
      double[] got = actual.get(e.getKey());
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < want.length; i++) {
        diff += (got[i] - want[i]) * (got[i] - want[i]);
        norm += want[i] * want[i];
      }
      double relative = Math.sqrt(diff / norm);
      assertTrue(relative <= 1e-4, e.getKey() + " with " + what + ": off by " + relative + " of its norm");
    }
  }

  /** The gradients of the loss with the code at the posterior mean, by parameter, in training mode. */
  private static Map<String, double[]> gradients(Autoencoder vae, NDArray x, NDArray target) {
    Block encoder = vae.getChildren().get("01encoder");
    Block decoder = vae.getChildren().get("02decoder");
    Map<String, double[]> out = new LinkedHashMap<>();
    try (NDManager s = x.getManager().newSubManager()) {
      ParameterStore store = new ParameterStore(s, false);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray stats = encoder.forward(store, new NDList(x), true).singletonOrThrow();
        NDArray mu = stats.get(new NDIndex(":, 0:8"));
        NDArray logvar = stats.get(new NDIndex(":, 8:"));
        NDArray logits = decoder.forward(store, new NDList(mu), true).singletonOrThrow();
        collector.backward(Autoencoder.loss().evaluate(new NDList(target), new NDList(logits, mu, logvar)));
      }
      for (Pair<String, Parameter> p : vae.getParameters()) {
        NDArray grad = p.getValue().getArray().getGradient();
        out.put(p.getKey(), grad.toType(DataType.FLOAT64, true).toDoubleArray());
        grad.subi(grad);
        grad.close();
      }
    }
    return out;
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
