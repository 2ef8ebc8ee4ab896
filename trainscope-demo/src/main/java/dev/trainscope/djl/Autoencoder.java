package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;

/**
 * A small convolutional variational autoencoder (Kingma and Welling, "Auto-Encoding Variational
 * Bayes", ICLR 2014) for 28 x 28 grey digits, so the demo has a generative model whose latent
 * factors can be traversed one at a time ({@link LatentTraversal}). A VAE rather than a plain
 * autoencoder: its prior N(0, I) gives every latent dimension the same meaningful scale, so "3
 * standard deviations" means the same in every row of a traversal.
 *
 * <pre>
 * encoder: [N, 1, 28, 28] conv4x4/2(16)-relu [N, 16, 14, 14] conv4x4/2(32)-relu [N, 32, 7, 7]
 *          flatten, dense(2D) [N, 2D] = (mu, log sigma^2)
 * sample:  z = mu + sigma * eps, eps ~ N(0, I) when training; z = mu in inference
 * decoder: [N, D] dense(1568)-relu, reshape [N, 32, 7, 7] upsample2x, conv3x3(16)-relu [N, 16, 14, 14]
 *          upsample2x, conv3x3(1) [N, 1, 28, 28]: logits of Bernoulli pixels
 * </pre>
 *
 * <p>(the demo's width, 16; {@code vae(D, W)} makes the convolutions W and 2W wide). A
 * convolution whose kernels are not a multiple of 16, the output layer's one above all, is a
 * {@link PaddedConv2d}: the engine's own gets its input gradient wrong on the team's machines.
 *
 * <p>The decoder enlarges by nearest-neighbour upsampling and a convolution rather than by
 * transposed convolutions: DJL's PyTorch engine does not implement them, and resize-convolution
 * avoids their checkerboard artefacts (Odena, Dumoulin and Olah, "Deconvolution and Checkerboard
 * Artifacts", Distill, 2016).
 *
 * <p>The block returns {@code (logits, mu, logvar)}; {@link #loss} turns them into the negative
 * evidence lower bound per digit, in nats: the pixels' binary cross-entropy against the target
 * digit scaled to [0, 1], summed over the 784 pixels, plus the closed-form KL divergence of
 * {@code N(mu, sigma^2)} from {@code N(0, I)} (the paper's appendix B), averaged over the batch.
 * Inputs are whatever the caller feeds (the demo feeds normalised pixels); targets are the digits
 * in [0, 1].
 */
public final class Autoencoder extends AbstractBlock {
  private static final byte VERSION = 1;
  /** The demo's latent dimension: small, so each row of a traversal can be read. */
  public static final int DEFAULT_LATENT_DIMS = 8;
  static final int SIDE = 28;
  /** Channels of the first convolution; the second has twice as many. */
  static final int DEFAULT_WIDTH = 16;
  private static final int INNER = 7;

  private final int latentDims;
  private final int width;
  private final SequentialBlock encoder;
  private final SequentialBlock decoder;

  private Autoencoder(int latentDims, int width) {
    super(VERSION);
    this.latentDims = latentDims;
    this.width = width;
    int inner = 2 * width;
    this.encoder = addChildBlock("encoder", new SequentialBlock()
        .add(conv(width)).add(Activation.reluBlock())
        .add(conv(inner)).add(Activation.reluBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(2L * latentDims).build()));
    this.decoder = addChildBlock("decoder", new SequentialBlock()
        .add(Linear.builder().setUnits((long) inner * INNER * INNER).build()).add(Activation.reluBlock())
        .add(LambdaBlock.singleton(x -> x.reshape(-1, inner, INNER, INNER), "reshape"))
        .add(upsample()).add(conv3x3(width)).add(Activation.reluBlock())
        .add(upsample()).add(conv3x3(1)));
  }

  /** A VAE with {@code latentDims} latent dimensions (1..64), at the demo's width. */
  public static Autoencoder vae(int latentDims) {
    return vae(latentDims, DEFAULT_WIDTH);
  }

  /** A VAE whose first convolution has {@code width} channels (1..256), the second twice as many. */
  static Autoencoder vae(int latentDims, int width) {
    return new Autoencoder(Require.inRange(latentDims, 1, 64, "latentDims"), Require.inRange(width, 1, 256, "width"));
  }

  private static Conv2d conv(int filters) {
    return convBuilder(filters).setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
        .setFilters(filters).build();
  }

  private static Conv2d conv3x3(int filters) {
    return convBuilder(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
  }

  /** DJL's convolution, or where the engine's input gradient needs it (the output layer), {@link PaddedConv2d}. */
  private static Conv2d.Builder convBuilder(int filters) {
    return filters % PaddedConv2d.BLOCK == 0 ? Conv2d.builder() : PaddedConv2d.builder();
  }

  /** Nearest-neighbour 2x upsampling of {@code [N, C, H, W]}: each pixel becomes a 2 x 2 square. */
  private static LambdaBlock upsample() {
    return LambdaBlock.singleton(x -> x.repeat(2, 2).repeat(3, 2), "upsample2x");
  }

  /** What the demo's hparams call the network. */
  String describe() {
    int inner = 2 * width;
    return "vae: conv4x4/2(" + width + ")-relu, conv4x4/2(" + inner + ")-relu, dense(2x" + latentDims + ") | z["
        + latentDims + "] | dense(" + inner * INNER * INNER + ")-relu, upsample2x, conv3x3(" + width
        + ")-relu, upsample2x, conv3x3(1), bernoulli pixels";
  }

  public int latentDims() {
    return latentDims;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray stats = encoder.forward(store, inputs, training, params).singletonOrThrow();
    NDArray mu = stats.get(new NDIndex(":, 0:" + latentDims));
    NDArray logvar = stats.get(new NDIndex(":, " + latentDims + ":"));
    NDArray z = mu;
    if (training) {
      NDArray eps = mu.getManager().randomNormal(mu.getShape(), mu.getDataType());
      z = mu.add(logvar.mul(0.5f).exp().mul(eps));
    }
    NDArray logits = decoder.forward(store, new NDList(z), training, params).singletonOrThrow();
    return new NDList(logits, mu, logvar);
  }

  /** The posterior means {@code mu} of a batch of inputs, {@code [N, D]}, in inference mode. */
  NDArray encode(ParameterStore store, NDArray inputs) {
    NDArray stats = encoder.forward(store, new NDList(inputs), false).singletonOrThrow();
    return stats.get(new NDIndex(":, 0:" + latentDims));
  }

  /** The decoded digits of codes {@code [N, D]}: pixel probabilities in [0, 1], {@code [N, 1, 28, 28]}. */
  NDArray decode(ParameterStore store, NDArray codes) {
    return Activation.sigmoid(decoder.forward(store, new NDList(codes), false).singletonOrThrow());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes);
    decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), latentDims));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    Shape code = new Shape(n, latentDims);
    return new Shape[] {decoder.getOutputShapes(new Shape[] {code})[0], code, code};
  }

  /** Which part of the negative ELBO a {@link VaeLoss} measures. */
  enum Part { ELBO, RECONSTRUCTION, KL }

  /** The objective, named as the tags show it ({@code train/loss}). */
  static VaeLoss loss() {
    return new VaeLoss("NegativeElbo", Part.ELBO);
  }

  /** The reconstruction term alone, logged as {@code train/reconstruction} and {@code val/reconstruction}. */
  static VaeLoss reconstruction() {
    return new VaeLoss("Reconstruction", Part.RECONSTRUCTION);
  }

  /** The KL term alone, logged as {@code train/kl} and {@code val/kl}. */
  static VaeLoss kl() {
    return new VaeLoss("KL", Part.KL);
  }

  /**
   * The negative ELBO of {@link Autoencoder} per digit, or one of its two terms, averaged over the
   * batch: labels are the target digits in [0, 1] ({@code [N, 1, 28, 28]}), predictions the block's
   * {@code (logits, mu, logvar)}.
   */
  static final class VaeLoss extends Loss {
    private static final float CLAMP = 30f;
    private final Part part;

    VaeLoss(String name, Part part) {
      super(name);
      this.part = part;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray target = labels.head();
      NDArray logits = predictions.get(0);
      long n = logits.getShape().get(0);
      NDArray perDigit = null;
      if (part != Part.KL) {
        // binary cross-entropy with logits, stably: max(x, 0) - x t + log(1 + exp(-|x|)), with -|x| clamped
        // at -CLAMP: exp(-|x|) for |x| > 87 is a subnormal float, which the CPU computes a hundred times
        // slower, and the background pixels' logits go there. The error is below 1e-13 nats a pixel.
        NDArray bce = logits.maximum(0f).sub(logits.mul(target))
            .add(logits.abs().neg().maximum(-CLAMP).exp().add(1f).log());
        perDigit = bce.reshape(n, -1).sum(new int[] {1});
      }
      if (part != Part.RECONSTRUCTION) {
        NDArray mu = predictions.get(1);
        NDArray logvar = predictions.get(2);
        // KL(N(mu, sigma^2) || N(0, 1)) = -1/2 sum(1 + log sigma^2 - mu^2 - sigma^2)
        NDArray kl = logvar.add(1f).sub(mu.square()).sub(logvar.exp()).sum(new int[] {1}).mul(-0.5f);
        perDigit = perDigit == null ? kl : perDigit.add(kl);
      }
      return perDigit.mean();
    }
  }
}
