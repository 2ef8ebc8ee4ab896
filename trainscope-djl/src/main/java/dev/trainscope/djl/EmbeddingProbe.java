package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.djl.TrainscopeListener.Sample;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Once, when training ends: the first validation samples run through the network up to its last
 * layer (the penultimate layer's output, after its nonlinearity), written as an embedding for the
 * projector ({@link dev.trainscope.writer.SummaryWriter#embedding}) with the samples' labels as
 * metadata and the samples as sprites when they are pictures. The samples are copied out of the
 * first validation pass (a few megabytes for 1,000 digits); the network runs on them once.
 * Nothing for a network that is not a {@link SequentialBlock} of two layers or more, said once.
 */
final class EmbeddingProbe extends Probe {
  private final int samples;
  private final Denormalize normalization;
  private final int[] imageShape;
  private final List<String> classNames;
  /** The copied samples, batch by batch: each batch's inputs, and its labels (or null). */
  private final List<List<Sample>> inputs = new ArrayList<>();
  private final List<Sample> labels = new ArrayList<>();
  private int copied;
  /** Whether a validation pass has ended: the samples are those of the first. */
  private boolean passed;

  /**
   * @param samples how many of the first validation samples to embed
   * @param normalization the input normalisation to undo in the sprites, or null
   * @param imageShape channels, height and width of a sample, or null to infer them from the shape
   * @param classNames the classes' names by index, or null for their indices
   */
  EmbeddingProbe(int samples, Denormalize normalization, int[] imageShape, List<String> classNames) {
    super("embedding", Logged.EMBEDDING);
    this.samples = samples;
    this.normalization = normalization;
    this.imageShape = imageShape;
    this.classNames = classNames;
  }

  @Override
  void validationBatch(Context c, BatchData batch, int index, NDManager scope) {
    NDList data = batch.getBatch().getData();
    if (passed || copied >= samples || data.isEmpty() || data.head().getShape().dimension() < 1) {
      return;
    }
    long k = Math.min(data.head().getShape().get(0), samples - copied);
    List<Sample> in = new ArrayList<>();
    for (NDArray a : data) {
      in.add(Sample.of(TrainscopeListener.head(a, k, scope)));
    }
    NDList l = batch.getBatch().getLabels();
    inputs.add(in);
    labels.add(l.isEmpty() ? null : Sample.of(TrainscopeListener.head(l.head(), k, scope)));
    copied += (int) k;
  }

  @Override
  void epoch(Context c, int validationBatches, NDManager scope) {
    passed |= copied > 0;
  }

  @Override
  void end(Context c, Step s) {
    if (copied == 0) {
      return;
    }
    String why = unsupported(c.network);
    if (why != null) {
      System.err.println("trainscope: no embedding of the validation samples: " + why);
      return;
    }
    int cut = c.network.layers.get(c.network.layers.size() - 1).step;
    float[][] vectors = new float[copied][];
    List<String> names = new ArrayList<>(copied);
    List<float[]> pictures = new ArrayList<>();
    int row = 0;
    ParameterStore store = new ParameterStore(s.scope, false);
    for (int b = 0; b < inputs.size(); b++) {
      NDList x = new NDList();
      for (Sample sample : inputs.get(b)) {
        x.add(sample.toArray(s.scope));
      }
      long n = x.head().getShape().get(0);
      float[] out = floats(c.network.forwardFirst(store, x, cut).head(), s.scope);
      int dims = (int) (out.length / n);
      for (int i = 0; i < n; i++) {
        float[] v = new float[dims];
        System.arraycopy(out, i * dims, v, 0, dims);
        vectors[row + i] = v;
      }
      row += (int) n;
      if (names != null) {
        names = labelsOf(labels.get(b), (int) n, s.scope, names);
      }
      if (inputs.get(b).size() == 1) {
        pictures.add(floats(x.head(), s.scope));
      }
    }
    c.log.embedding(TagNames.EMBEDDING, vectors, names, sprites(pictures), c.steps);
  }

  /** Why the penultimate layer is not known, or null when it is. */
  static String unsupported(Network network) {
    if (network.root.getClass() != SequentialBlock.class) {
      Class<?> type = network.root.getClass();
      return "the network is a " + (type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName())
          + ", not a SequentialBlock, so its penultimate layer is not known";
    }
    if (network.layers.size() < 2) {
      return "the network has " + network.layers.size() + " layer, it needs two for a penultimate one";
    }
    return null;
  }

  /** {@code names} with the batch's labels added, or null when it has none or they are not one number a sample. */
  private List<String> labelsOf(Sample batch, int n, NDManager scope, List<String> names) {
    if (batch == null) {
      return null;
    }
    float[] v = floats(batch.toArray(scope), scope);
    if (v.length != n) {
      return null;
    }
    for (float f : v) {
      int k = (int) f;
      names.add(k != f ? Float.toString(f)
          : classNames != null && k >= 0 && k < classNames.size() ? classNames.get(k) : Integer.toString(k));
    }
    return names;
  }

  /** The samples as pictures, one a vector, when they can be seen as such; else null. */
  private List<BufferedImage> sprites(List<float[]> pictures) {
    if (pictures.size() != inputs.size()) {
      return null;
    }
    long[] shape = inputs.get(0).get(0).shape().getShape();
    Pictures.Sample as = Pictures.sampleShape(shape, imageShape);
    if (as == null || (as.channels() != 1 && as.channels() != 3)) {
      return null;
    }
    Denormalize undo = normalization;
    if (undo != null) {
      try {
        undo.requireChannels(as.channels());
      } catch (IllegalArgumentException e) {
        undo = null;
      }
    }
    if (undo == null) {
      undo = Pictures.unitRange(pictures.toArray(float[][]::new));
    }
    List<BufferedImage> out = new ArrayList<>(copied);
    for (float[] p : pictures) {
      out.addAll(Images.toImages(as.batch(p, p.length / (as.channels() * as.height() * as.width())), undo));
    }
    return out;
  }
}
