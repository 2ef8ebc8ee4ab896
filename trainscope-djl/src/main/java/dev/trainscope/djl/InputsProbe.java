package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.Images;

/**
 * The inputs: the histogram of a training batch's values, and grids of the first samples of a
 * training batch and of each validation pass as pictures, with the normalisation undone.
 */
final class InputsProbe extends Probe {
  private final Denormalize normalization;
  private final int[] imageShape;
  private final int perGrid;

  /**
   * @param normalization the normalisation to undo, or null to map each picture's range to [0, 255]
   * @param imageShape channels, height and width of a sample, or null to infer them from the shape
   * @param perGrid how many samples a grid shows
   */
  InputsProbe(Denormalize normalization, int[] imageShape, int perGrid) {
    super("inputs", Logged.INPUTS, Cadence.HISTOGRAMS, Cadence.IMAGES);
    this.normalization = normalization;
    this.imageShape = imageShape;
    this.perGrid = perGrid;
  }

  @Override
  void begin(Context c) {
    c.describe(TagNames.INPUTS_TRAIN, "training samples",
        "The first samples of a training batch, with the input normalisation undone.", Role.INPUT_IMAGES,
        "train", null, null);
    c.describe(TagNames.INPUTS_VAL, "validation samples",
        "The first samples of each validation pass, with the input normalisation undone.", Role.INPUT_IMAGES,
        "val", null, null);
    c.describe(TagNames.INPUTS_HISTOGRAM, "input values",
        "The values of a training batch's inputs, as the network sees them (after preprocessing).",
        Role.INPUTS, "train", null, null);
  }

  @Override
  void step(Context c, Step s) {
    NDList data = s.batch.getBatch().getData();
    if (data.isEmpty()) {
      return;
    }
    if (s.due(Cadence.HISTOGRAMS)) {
      c.log.histogram(TagNames.INPUTS_HISTOGRAM, floats(data.head(), s.scope), s.step);
    }
    if (s.due(Cadence.IMAGES)) {
      pictures(c, TagNames.INPUTS_TRAIN, data.head(), s.step, s.scope);
    }
  }

  @Override
  void validationBatch(Context c, BatchData batch, int index, NDManager scope) {
    if (index == 0 && !batch.getBatch().getData().isEmpty()) {
      pictures(c, TagNames.INPUTS_VAL, batch.getBatch().getData().head(), c.steps, scope);
    }
  }

  /** A grid of the first samples of a batch, if they can be seen as images. */
  private void pictures(Context c, String tag, NDArray data, long step, NDManager scope) {
    long[] sh = data.getShape().getShape();
    Pictures.Sample as = Pictures.sampleShape(sh, imageShape);
    if (as == null) {
      return;
    }
    int k = (int) Math.min(sh[0], perGrid);
    float[] v = floats(TrainscopeListener.head(data, k, scope), scope);
    Denormalize undo = normalization != null ? normalization : Pictures.unitRange(v);
    c.log.image(tag, Images.grid(as.batch(v, k), undo), step);
  }
}
