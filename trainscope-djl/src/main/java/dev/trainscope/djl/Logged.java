package dev.trainscope.djl;

/**
 * What {@link TrainscopeListener} can log; {@link TrainscopeListener.Builder#log} and {@link
 * TrainscopeListener.Builder#skip} choose. The tags of each are in {@link TagNames}.
 */
public enum Logged {
  /** The loss and every evaluator, for training batches and validation passes (scalars). */
  METRICS,
  /** The learning rate, when the builder was given the optimizer's tracker (scalar). */
  LEARNING_RATE,
  /** Training steps per second (scalar). */
  SPEED,
  /** Histograms of each layer's weights and biases. */
  WEIGHTS,
  /** Each parameter's gradient: norm and fraction of zeros (scalars), and histogram. */
  GRADIENTS,
  /** Each parameter's update/weight ratio (scalar). */
  UPDATES,
  /** Pre- and post-activation histograms, dead units, mean and std of each layer on the probe batch. */
  ACTIVATIONS,
  /** Image grids of training and validation samples, and the histogram of the input values. */
  INPUTS,
  /** A hash of each training batch, so repeated batches show (scalar). */
  FINGERPRINTS,
  /** The probe batch's labels and predicted classes (text). */
  PREDICTIONS,
  /** Each 2-D convolution's kernels (image). */
  FILTERS,
  /** Each convolution's output channels for the first probe image (image). */
  FEATURE_MAPS,
  /**
   * For chosen channels of the 2-D convolutions, after the first validation pass and later ones as
   * their time budget allows ({@link TrainscopeListener.Builder#featureViewsBudget}): the 9 validation
   * images that excite each most, their deconvnet and guided back-propagation reconstructions
   * (images) and their ranking (text); see {@link FeatureViews}. Nothing for a network without one.
   */
  FEATURE_VIEWS,
  /** The network's block tree as a graph (a GraphDef, see {@link BlockGraph}), once. */
  GRAPH,
  /**
   * Once, when training ends: the first validation samples ({@link
   * TrainscopeListener.Builder#embeddingSamples}, 500) run through the network up to its last
   * layer, written as an embedding for the projector with their labels and pictures ({@link
   * TagNames#EMBEDDING}). Nothing for a network that is not a {@code SequentialBlock} of two layers
   * or more.
   */
  EMBEDDING
}
