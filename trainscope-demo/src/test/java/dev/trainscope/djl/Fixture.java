package dev.trainscope.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Small networks on real MNIST digits, trained through DJL's own loop, for the tests. */
final class Fixture {
  private Fixture() {}

  static final Mnist MNIST = Mnist.bundled();
  static final Tracker LR = Tracker.fixed(1e-3f);

  /**
   * conv3x3(4)-relu-pool, conv3x3(16)-relu-pool, flatten, dense(10): layers conv2d_1, conv2d_2,
   * linear_1. The second convolution has 16 kernels: with fewer the engine passes a wrong gradient
   * back to the first (see {@link PaddedConv2d}), and a short training can end in NaN.
   */
  static SequentialBlock smallCnn() {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(16).build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(10).build());
  }

  /**
   * How the engine computes: on how many threads (PyTorch's intra-op threads, a setting of the
   * whole process), and whether every core is also busy with other work ({@link BusyCores}).
   */
  record EngineSetting(int threads, boolean coresBusy) {
    /** One thread, two, and two on busy cores: where the engine's convolution went wrong, each its own way. */
    static final List<EngineSetting> ALL = List.of(new EngineSetting(1, false), new EngineSetting(2, false),
        new EngineSetting(2, true));

    /** Runs {@code work} so, then sets back the number of threads the engine had. */
    void run(Runnable work) throws InterruptedException {
      Engine.getInstance(); // loads the native library
      int before = JniUtils.getNumThreads();
      JniUtils.setNumThreads(threads);
      try (BusyCores busy = coresBusy ? new BusyCores() : null) {
        work.run();
      } finally {
        JniUtils.setNumThreads(before);
      }
    }

    @Override
    public String toString() {
      return threads + " engine thread" + (threads == 1 ? "" : "s") + (coresBusy ? ", every core busy" : "");
    }
  }

  /** MNIST images {@code [from, to)} as {@code [n, 1, 28, 28]}, normalised or as 0..255. */
  static NDArray images(NDManager m, int from, int to, boolean normalize) {
    Mnist s = MNIST.slice(from, to);
    return m.create(s.floats(normalize), new Shape(s.count(), 1, 28, 28));
  }

  static NDArray labels(NDManager m, int from, int to) {
    return m.create(MNIST.slice(from, to).labelFloats());
  }

  static ArrayDataset dataset(NDManager m, int from, int to, boolean normalize, int batch, boolean shuffle) {
    return new ArrayDataset.Builder().setData(images(m, from, to, normalize)).optLabels(labels(m, from, to))
        .setSampling(batch, shuffle).build();
  }

  /** What a training run gives back: the parameters' final values by name. */
  record Trained(Map<String, float[]> parameters) {}

  /**
   * Trains {@code net} with Adam at 1e-3 on {@code train}, validating on {@code val} (may be null),
   * with the listeners; the seed is set first.
   */
  static Trained train(SequentialBlock net, int seed, int epochs, ArrayDataset train, ArrayDataset val,
      Shape inputShape, Function<Model, List<TrainingListener>> listeners) throws Exception {
    return train(net, seed, epochs, train, val, inputShape, Loss.softmaxCrossEntropyLoss(), listeners);
  }

  /** As {@link #train(SequentialBlock, int, int, ArrayDataset, ArrayDataset, Shape, Function)} with this loss. */
  static Trained train(SequentialBlock net, int seed, int epochs, ArrayDataset train, ArrayDataset val,
      Shape inputShape, Loss loss, Function<Model, List<TrainingListener>> listeners) throws Exception {
    Engine.getInstance().setRandomSeed(seed);
    try (Model model = Model.newInstance("test")) {
      model.setBlock(net);
      DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
          .addEvaluator(new Accuracy())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(LR).build());
      for (TrainingListener l : listeners.apply(model)) {
        config.addTrainingListeners(l);
      }
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(inputShape);
        EasyTrain.fit(trainer, epochs, train, val);
      }
      Map<String, float[]> out = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        out.put(p.getKey(), p.getValue().getArray().toFloatArray());
      }
      return new Trained(out);
    }
  }
}
