package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
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
}
