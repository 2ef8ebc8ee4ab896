package dev.trainscope.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.Denormalize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For chosen channels of the 2-D convolutions, after the validation passes a time budget allows:
 * the 9 validation images that excite each most, their deconvnet and guided back-propagation
 * reconstructions, and their ranking ({@link FeatureViews}).
 */
final class FeatureViewsProbe extends Probe {
  private final int channels;
  private final Map<String, int[]> layers;
  private final int samples;
  private final Denormalize normalization;
  /** The feature views' share of the time since the first training step. */
  private final TimeBudget budget;
  /** The views, once the network is known and has a convolution to view; null otherwise. */
  private FeatureViews features;
  /** Whether the views watch the validation pass under way. */
  private boolean watching;

  /**
   * @param channels the first channels of each convolution to view, unless {@code layers} chose
   * @param layers the channels to view by layer name, or null
   * @param samples how many images of each validation pass to rank
   * @param normalization the input normalisation to undo in the top-9 pictures, or null
   * @param budget the share of the training time they may take
   */
  FeatureViewsProbe(int channels, Map<String, int[]> layers, int samples, Denormalize normalization,
      double budget) {
    super("feature views", Logged.FEATURE_VIEWS);
    this.channels = channels;
    this.layers = layers;
    this.samples = samples;
    this.normalization = normalization;
    this.budget = new TimeBudget(budget);
  }

  @Override
  void start(Context c, Step s) {
    budget.start(s.startNanos);
    features = FeatureViews.of(c.network, channels, layers, samples);
    if (features.targets().isEmpty()) {
      features = null;
      return;
    }
    for (FeatureViews.Target t : features.targets()) {
      for (int ch : t.channels()) {
        describe(c, t.layer().name, ch);
      }
    }
  }

  @Override
  void validationBatch(Context c, BatchData batch, int index, NDManager scope) {
    if (index == 0) {
      watching = features != null && budget.due(System.nanoTime());
    }
    if (!watching || features == null || batch.getBatch().getData().isEmpty()) {
      return;
    }
    long t = System.nanoTime();
    NDList labels = batch.getBatch().getLabels();
    try {
      features.observe(batch.getBatch().getData().head(), labels.isEmpty() ? null : labels.head(), scope);
    } catch (Deconvnet.Unsupported e) {
      off(e);
    }
    budget.spent(System.nanoTime() - t);
  }

  @Override
  void epoch(Context c, int validationBatches, NDManager scope) {
    if (watching && features != null && features.seen() > 0) {
      long t = System.nanoTime();
      try {
        log(c, features.finish(scope), c.steps);
      } catch (Deconvnet.Unsupported e) {
        off(e);
      }
      budget.spent(System.nanoTime() - t);
    }
    watching = false;
  }

  private void log(Context c, List<FeatureViews.View> views, long s) {
    for (FeatureViews.View v : views) {
      if (v.ranked().isEmpty()) {
        continue;
      }
      List<float[]> images = new ArrayList<>();
      List<float[]> deconv = new ArrayList<>();
      List<float[]> guided = new ArrayList<>();
      for (FeatureViews.Ranked r : v.ranked()) {
        images.add(r.image());
        deconv.add(r.deconv());
        guided.add(r.guided());
      }
      int ch = v.channels();
      int h = v.height();
      int w = v.width();
      c.log.image(TagNames.featureTop9(v.layer(), v.channel()), Pictures.imageGrid(images, ch, h, w, normalization),
          s);
      c.log.image(TagNames.featureDeconv(v.layer(), v.channel()), Pictures.signedGrid(deconv, ch, h, w), s);
      c.log.image(TagNames.featureGuided(v.layer(), v.channel()), Pictures.signedGrid(guided, ch, h, w), s);
      c.log.text(TagNames.featureRanking(v.layer(), v.channel()), v.markdown(s), s);
    }
  }

  /** A network or data the views cannot handle: said once, and they stop; training goes on. */
  private void off(Deconvnet.Unsupported e) {
    features = null;
    System.err.println("trainscope: feature views turned off: " + e.getMessage());
  }

  private void describe(Context c, String layer, int ch) {
    String of = layer + "'s channel " + ch;
    String images = samples == Integer.MAX_VALUE ? "the validation images"
        : "the first " + samples + " validation images";
    String which = "the 9 of " + images + " whose maximum activation in " + of + " is highest (row by row, highest"
        + " first)";
    c.describeChannel(TagNames.featureTop9(layer, ch), "top 9 " + layer + "/" + ch,
        "After the first validation pass and later ones as the time budget allows, " + which + ", with the input"
            + " normalisation undone.", Role.FEATURE_TOP9, layer, ch);
    c.describeChannel(TagNames.featureDeconv(layer, ch), "deconvnet " + layer + "/" + ch,
        "For each of " + which + ", in the same place: that activation alone projected back to pixel space by a"
            + " deconvnet (Zeiler and Fergus 2014: unpooling with the image's own switches, rectification,"
            + " transposed filters); each picture scaled on its own so that 0 is mid-grey.", Role.FEATURE_DECONV,
        layer, ch);
    c.describeChannel(TagNames.featureGuided(layer, ch), "guided backprop " + layer + "/" + ch,
        "For each of " + which + ", in the same place: that activation alone projected back to pixel space by"
            + " guided back-propagation (Springenberg et al. 2015: as the deconvnet, but a ReLU passes only where its"
            + " forward input was positive too); each picture scaled on its own so that 0 is mid-grey.",
        Role.FEATURE_GUIDED, layer, ch);
    c.describeChannel(TagNames.featureRanking(layer, ch), "ranking " + layer + "/" + ch,
        "After the validation passes the feature views watch, " + which + ": rank, validation index, label, max"
            + " activation and its position (y, x) in the convolution's output.", Role.FEATURE_RANKING, layer, ch);
  }
}
