package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.ImageBatch;
import dev.trainscope.writer.Images;
import dev.trainscope.writer.Layout;

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
    if (sh.length < 2 || sh[0] == 0) {
      return;
    }
    long perSample = data.getShape().size() / sh[0];
    int ch;
    int h;
    int w;
    Layout layout = Layout.CHW;
    if (imageShape != null) {
      ch = imageShape[0];
      h = imageShape[1];
      w = imageShape[2];
      if ((long) ch * h * w != perSample) {
        return;
      }
    } else if (sh.length == 4 && isChannels(sh[1])) {
      ch = (int) sh[1];
      h = Math.toIntExact(sh[2]);
      w = Math.toIntExact(sh[3]);
    } else if (sh.length == 4 && isChannels(sh[3])) {
      ch = (int) sh[3];
      h = Math.toIntExact(sh[1]);
      w = Math.toIntExact(sh[2]);
      layout = Layout.HWC;
    } else if (sh.length == 3) {
      ch = 1;
      h = Math.toIntExact(sh[1]);
      w = Math.toIntExact(sh[2]);
    } else if (sh.length == 2 && isSquare(sh[1])) {
      ch = 1;
      h = (int) Math.round(Math.sqrt(sh[1]));
      w = h;
    } else {
      return;
    }
    int k = (int) Math.min(sh[0], perGrid);
    float[] v = floats(TrainscopeListener.head(data, k, scope), scope);
    Denormalize undo = normalization != null ? normalization : Pictures.unitRange(v);
    c.log.image(tag, Images.grid(new ImageBatch(v, k, ch, h, w, layout), undo), step);
  }

  private static boolean isChannels(long c) {
    return c == 1 || c == 3 || c == 4;
  }

  private static boolean isSquare(long n) {
    long r = Math.round(Math.sqrt(n));
    return r > 1 && r * r == n;
  }
}
