package dev.trainscope.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Conv2d} whose gradients are right on the engine the demo trains with: in training it
 * computes with its kernels followed by zero kernels up to a multiple of {@value #BLOCK} and
 * returns its own channels only. The same parameters, outputs and gradients, at the cost of more
 * arithmetic in this layer while training; inference computes as {@link Conv2d} does.
 *
 * <p>Why: PyTorch 2.7.1 (the engine of {@code pytorch-native-cpu} 2.7.1, with oneDNN 3.7.1) gives
 * a wrong gradient of the input of a stride-1 convolution with 1, 2, 3, 8, 15, 17 or 24 kernels
 * on the machine the team builds on (AMD EPYC, family 26, 2 cores; AVX-512 and AVX2 kernels alike,
 * not with the kernels capped at AVX): with one engine thread every time, as if each kernel held
 * only its first tap; with two it depends on how the threads are scheduled, right, wrong or partly
 * NaN from one run to the next. 16 and 32 kernels, the output and the kernels' own gradient are
 * right. {@code PaddedConv2dTest} checks all of it against the definition's sums, and the
 * autoencoder's test its whole gradient against the same network in doubles (which the engine
 * convolves without oneDNN). Only ungrouped convolutions are padded.
 */
final class PaddedConv2d extends Conv2d {
  /** Output channels are padded to a multiple of this: oneDNN's widest float32 register block. */
  static final int BLOCK = 16;

  private PaddedConv2d(Builder builder) {
    super(builder);
  }

  /**
   * A builder as {@link Conv2d#builder()}'s, whose {@code build()} makes a {@code PaddedConv2d}
   * (public, so that it hides the inherited one).
   */
  public static Conv2d.Builder builder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    int extra = (BLOCK - filters % BLOCK) % BLOCK;
    // the training flag, not the input's hasGradient(): DJL's PyTorch engine answers false for
    // arrays that operations made
    if (extra == 0 || groups != 1 || !training) {
      return super.forwardInternal(store, inputs, training, params);
    }
    Device device = input.getDevice();
    NDManager scope = input.getManager();
    NDArray w = store.getValue(weight, device, training);
    long[] kernel = w.getShape().getShape().clone(); // Shape hands out its own array
    kernel[0] = extra;
    NDArray padded = w.concat(scope.zeros(new Shape(kernel), w.getDataType()), 0);
    // made in the weight's manager: it belongs with this step's other arrays
    padded.attach(scope);
    NDArray b = null;
    if (includeBias) {
      NDArray bias0 = store.getValue(bias, device, training);
      b = bias0.concat(scope.zeros(new Shape(extra), bias0.getDataType()), 0);
      b.attach(scope);
    }
    NDArray y = Conv2d.conv2d(input, padded, b, stride, padding, dilation, groups).singletonOrThrow();
    return new NDList(y.get(new NDIndex(":, 0:" + filters)));
  }

  private static final class Builder extends Conv2d.Builder {
    @Override
    public PaddedConv2d build() {
      validate();
      return new PaddedConv2d(this);
    }
  }
}
