package dev.trainscope.djl;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import java.util.Locale;
import java.util.Map;

/**
 * The tags {@link TrainscopeListener} writes: one convention, documented here and nowhere else.
 *
 * <p>{@code <layer>} is a layer of the network: a block that has trainable parameters, named by
 * its class and its place among the blocks of that class in forward order ({@code conv2d_1},
 * {@code conv2d_2}, {@code linear_1}...). {@code <param>} is one trainable parameter of a layer:
 * the layer's name for its {@code weight}, {@code <layer>/bias} for its bias and {@code
 * <layer>/<name>} for any other ({@code batchnorm_1/gamma}). {@code <channel>} is an output channel
 * of a 2-D convolution, numbered from 0.
 *
 * <table>
 *   <caption>Tags, kinds and when they are written</caption>
 *   <tr><th>tag</th><th>kind</th><th>role</th><th>written</th></tr>
 *   <tr><td>{@code train/loss}, {@code val/loss}</td><td>scalar</td><td>{@code loss}</td>
 *       <td>train: each scalar step, the batch's loss; val: after each validation pass, its mean</td></tr>
 *   <tr><td>{@code train/<metric>}, {@code val/<metric>}</td><td>scalar</td><td>{@code accuracy} for
 *       evaluators named so, else {@code metric}</td><td>as the loss; the metric is the evaluator's
 *       name in snake case</td></tr>
 *   <tr><td>{@code train/lr}</td><td>scalar</td><td>{@code learning_rate}</td><td>each scalar step</td></tr>
 *   <tr><td>{@code train/steps_per_sec}</td><td>scalar</td><td>{@code steps_per_sec}</td><td>each scalar step</td></tr>
 *   <tr><td>{@code grad_norm/<param>}</td><td>scalar</td><td>{@code grad_norm}</td>
 *       <td>each scalar step: the L2 norm of the parameter's gradient</td></tr>
 *   <tr><td>{@code grad_zero_fraction/<param>}</td><td>scalar</td><td>{@code grad_zero_fraction}</td>
 *       <td>each scalar step: the fraction of the gradient's elements that are exactly 0</td></tr>
 *   <tr><td>{@code update_ratio/<param>}</td><td>scalar</td><td>{@code update_ratio}</td>
 *       <td>each scalar step: {@code ||w_after - w_before|| / ||w_before||} of that step's optimizer
 *       update (what the optimizer did, for any optimizer: {@code ||lr * update|| / ||w||}); not at a
 *       step where the parameter is all zero, whose ratio is undefined</td></tr>
 *   <tr><td>{@code grad/<param>}</td><td>histogram</td><td>{@code gradients}</td><td>each histogram step</td></tr>
 *   <tr><td>{@code weights/<layer>}, {@code weights/<layer>/<name>}</td><td>histogram</td>
 *       <td>{@code weights}</td><td>each histogram step</td></tr>
 *   <tr><td>{@code biases/<layer>}</td><td>histogram</td><td>{@code biases}</td><td>each histogram step</td></tr>
 *   <tr><td>{@code activations/<layer>/pre}</td><td>histogram</td><td>{@code pre_activations}</td>
 *       <td>each histogram step: the layer's output for the probe batch, before its nonlinearity</td></tr>
 *   <tr><td>{@code activations/<layer>/post}</td><td>histogram</td><td>{@code activations}</td>
 *       <td>as pre, after the nonlinearity that follows the layer (when one does)</td></tr>
 *   <tr><td>{@code dead_units/<layer>}</td><td>scalar</td><td>{@code dead_units}</td>
 *       <td>each histogram step, for layers followed by a ReLU: the fraction of units (channels of a
 *       convolution, neurons of a dense layer) that are 0 for every sample and position of the probe batch</td></tr>
 *   <tr><td>{@code activation_mean/<layer>}, {@code activation_std/<layer>}</td><td>scalar</td>
 *       <td>{@code activation_mean}, {@code activation_std}</td><td>each histogram step: of the layer's
 *       output (after its nonlinearity if it has one) for the probe batch</td></tr>
 *   <tr><td>{@code inputs/train}, {@code inputs/val}</td><td>image</td><td>{@code input_images}</td>
 *       <td>train: each image step, the first samples of the batch; val: the first samples of each
 *       validation pass; the normalisation undone</td></tr>
 *   <tr><td>{@code inputs/histogram}</td><td>histogram</td><td>{@code inputs}</td>
 *       <td>each histogram step: the values of the training batch as the network sees them</td></tr>
 *   <tr><td>{@code inputs/fingerprint}</td><td>scalar</td><td>{@code batch_fingerprint}</td>
 *       <td>each scalar step: a 24-bit hash of the batch's inputs and labels, exact in a float32, so
 *       equal values at two steps mean (up to one chance in 16.7 million) the same batch</td></tr>
 *   <tr><td>{@code latent/traversal}</td><td>image</td><td>{@code latent_traversal}</td><td>each image
 *       step, for the demo's {@code Autoencoder} ({@code LatentTraversal}, in trainscope-demo): D rows (latent dimension d = 0..D-1,
 *       top down) x 9 columns of 28 x 28 digits, 2 black pixels around every cell; cell (d, k) decodes
 *       validation digit {@code sample}'s posterior mean with z_d moved by {@code -3 + 0.75 k} prior
 *       standard deviations (1), so column 4 is the digit's reconstruction. Last description line:
 *       {@code role: latent_traversal, dims: D, sweep: -3..3 sd, steps: 9, sample: <validation index>,
 *       sd: prior}</td></tr>
 *   <tr><td>{@code latent/reconstructions}</td><td>image</td><td>{@code reconstructions}</td><td>as the
 *       traversal: validation digits 0..n-1 (top row) over their reconstructions from the posterior
 *       mean (bottom row), cells as the traversal's; {@code role: reconstructions, split: val, samples:
 *       0..<n-1>}</td></tr>
 *   <tr><td>{@code latent/std/<d>}</td><td>scalar</td><td>{@code latent_std}</td><td>as the traversal:
 *       the standard deviation of latent dimension d's posterior mean over the validation set, near 0
 *       for a dimension the decoder ignores; {@code role: latent_std, split: val, dim: <d>}</td></tr>
 *   <tr><td>{@code predictions}</td><td>text</td><td>{@code predictions}</td>
 *       <td>each image step: a Markdown table of the probe batch's labels, predicted classes and
 *       their probabilities</td></tr>
 *   <tr><td>{@code filters/<layer>}</td><td>image</td><td>{@code filters}</td><td>each image step, for
 *       each 2-D convolution: its kernels (over more than three input channels, each kernel's mean over
 *       them), rescaled from [min, max] to [0, 255]</td></tr>
 *   <tr><td>{@code feature_maps/<layer>}</td><td>image</td><td>{@code feature_maps}</td><td>each image
 *       step, for each 2-D convolution: its output channels for the first probe image</td></tr>
 *   <tr><td>{@code features/<layer>/<channel>/top9}</td><td>image</td><td>{@code feature_top9}</td>
 *       <td>after the first validation pass and later ones as the feature views' time budget allows
 *       ({@link TrainscopeListener.Builder#featureViewsBudget}, 2 % by default), for the chosen channels of the 2-D convolutions (by default the
 *       first 8 of each; see {@link FeatureViews}): a 3 x 3 grid of the 9 validation images whose maximum
 *       activation in the channel (its output before the ReLU, over all positions) is highest, row by
 *       row from the highest, ties to the lower validation index; the input normalisation undone</td></tr>
 *   <tr><td>{@code features/<layer>/<channel>/deconv}</td><td>image</td><td>{@code feature_deconv}</td>
 *       <td>with each {@code top9}, in the same places: the deconvnet reconstruction (Zeiler and Fergus
 *       2014) of that image's maximum activation alone, in pixel space; each picture rescaled on its own
 *       from [-m, m] to [0, 255], m its largest absolute value, so 0 is mid-grey and the brightest or
 *       darkest pixel is m</td></tr>
 *   <tr><td>{@code features/<layer>/<channel>/guided}</td><td>image</td><td>{@code feature_guided}</td>
 *       <td>as {@code deconv}, by guided back-propagation (Springenberg et al. 2015)</td></tr>
 *   <tr><td>{@code features/<layer>/<channel>/ranking}</td><td>text</td><td>{@code feature_ranking}</td>
 *       <td>with each {@code top9}: a Markdown table of its images, one row each in the same order: rank,
 *       validation index (the image's place in the validation pass, from 0), label, max activation,
 *       position (y, x) of the maximum in the convolution's output</td></tr>
 *   <tr><td>none: the event's {@code graph_def}</td><td>graph</td><td>none</td><td>once, at training
 *       start (the first training step, when the input's shape is known), at step 0: the block tree as a
 *       GraphDef ({@link BlockGraph}); a layer's node is {@code <scopes>/<layer>} with a {@code layer}
 *       attribute holding {@code <layer>}</td></tr>
 * </table>
 *
 * <p>Every tag's first value carries a display name and a description ({@code SummaryMetadata}).
 * The description is a sentence for people, a blank line, and a last line for programs, so the
 * diagnosis engine need not guess from tag names:
 *
 * <pre>
 * role: &lt;role&gt;[, split: train|val][, layer: &lt;layer&gt;][, param: &lt;name&gt;][, channel: &lt;channel&gt;]
 * </pre>
 *
 * <p>where {@code <role>} is one of the roles in the table ({@link Role#id()}) and {@code <name>}
 * the parameter's own name ({@code weight}, {@code bias}...); the {@code features/} tags say
 * {@code split: val}, their layer and their channel ({@code role: feature_top9, split: val, layer:
 * conv2d_1, channel: 3}).
 */
public final class TagNames {
  private TagNames() {}

  public static final String TRAIN_LOSS = "train/loss";
  public static final String VAL_LOSS = "val/loss";
  public static final String TRAIN_ACCURACY = "train/accuracy";
  public static final String VAL_ACCURACY = "val/accuracy";
  public static final String LEARNING_RATE = "train/lr";
  public static final String STEPS_PER_SEC = "train/steps_per_sec";
  public static final String INPUTS_TRAIN = "inputs/train";
  public static final String INPUTS_VAL = "inputs/val";
  public static final String INPUTS_HISTOGRAM = "inputs/histogram";
  public static final String INPUTS_FINGERPRINT = "inputs/fingerprint";
  /**
   * The embedding of the first validation samples by the penultimate layer, for the projector:
   * written beside the event files ({@code <logdir>/<step>/penultimate/}), not in them.
   */
  public static final String EMBEDDING = "penultimate";
  public static final String PREDICTIONS = "predictions";
  public static final String LATENT_TRAVERSAL = "latent/traversal";
  public static final String LATENT_RECONSTRUCTIONS = "latent/reconstructions";

  /** {@code train/<metric>} or {@code val/<metric>}; {@code metric} as {@link #metricName}. */
  public static String metric(boolean validation, String metric) {
    return (validation ? "val/" : "train/") + metric;
  }

  public static String gradNorm(String param) {
    return "grad_norm/" + param;
  }

  public static String grad(String param) {
    return "grad/" + param;
  }

  public static String gradZeroFraction(String param) {
    return "grad_zero_fraction/" + param;
  }

  public static String updateRatio(String param) {
    return "update_ratio/" + param;
  }

  /** {@code latent/std/<d>}, {@code d} from 0. */
  public static String latentStd(int dim) {
    return "latent/std/" + dim;
  }

  /**
   * The histogram tag of a parameter's values: {@code weights/<layer>} for a weight, {@code
   * biases/<layer>} for a bias, {@code weights/<layer>/<name>} otherwise.
   */
  public static String values(String layer, String name) {
    switch (name) {
      case "weight":
        return "weights/" + layer;
      case "bias":
        return "biases/" + layer;
      default:
        return "weights/" + layer + "/" + name;
    }
  }

  /** A parameter's name in tags: the layer for its weight, {@code <layer>/<name>} otherwise. */
  public static String param(String layer, String name) {
    return name.equals("weight") ? layer : layer + "/" + name;
  }

  public static String preActivations(String layer) {
    return "activations/" + layer + "/pre";
  }

  public static String postActivations(String layer) {
    return "activations/" + layer + "/post";
  }

  public static String deadUnits(String layer) {
    return "dead_units/" + layer;
  }

  public static String activationMean(String layer) {
    return "activation_mean/" + layer;
  }

  public static String activationStd(String layer) {
    return "activation_std/" + layer;
  }

  public static String filters(String layer) {
    return "filters/" + layer;
  }

  public static String featureMaps(String layer) {
    return "feature_maps/" + layer;
  }

  /** {@code features/<layer>/<channel>/top9}. */
  public static String featureTop9(String layer, int channel) {
    return features(layer, channel) + "top9";
  }

  /** {@code features/<layer>/<channel>/deconv}. */
  public static String featureDeconv(String layer, int channel) {
    return features(layer, channel) + "deconv";
  }

  /** {@code features/<layer>/<channel>/guided}. */
  public static String featureGuided(String layer, int channel) {
    return features(layer, channel) + "guided";
  }

  /** {@code features/<layer>/<channel>/ranking}. */
  public static String featureRanking(String layer, int channel) {
    return features(layer, channel) + "ranking";
  }

  private static String features(String layer, int channel) {
    return "features/" + layer + "/" + channel + "/";
  }

  /**
   * An evaluator's name in tags: snake case ({@code Accuracy} is {@code accuracy}, {@code
   * TopKAccuracy} is {@code top_k_accuracy}); characters other than letters, digits, '_', '-' and
   * '.' become '_'.
   */
  public static String metricName(String evaluatorName) {
    StringBuilder sb = new StringBuilder(evaluatorName.length() + 4);
    for (int i = 0; i < evaluatorName.length(); i++) {
      char c = evaluatorName.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && (Character.isLowerCase(evaluatorName.charAt(i - 1))
            || Character.isDigit(evaluatorName.charAt(i - 1))
            || (Character.isUpperCase(evaluatorName.charAt(i - 1)) && i + 1 < evaluatorName.length()
                && Character.isLowerCase(evaluatorName.charAt(i + 1))))) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
        sb.append(c);
      } else {
        sb.append('_');
      }
    }
    return sb.length() == 0 ? "metric" : sb.toString();
  }

  /** The machine-readable last line of a tag's description ({@link TagMeaning#line()}). */
  static String machineLine(Role role, String split, String layer, String param) {
    return machineLine(role, split, layer, param, -1);
  }

  /** The machine-readable last line of a tag's description; {@code channel} when it is >= 0. */
  static String machineLine(Role role, String split, String layer, String param, int channel) {
    return meaning(role, split, layer, param, channel).line();
  }

  private static TagMeaning meaning(Role role, String split, String layer, String param, int channel) {
    return new TagMeaning(role, split == null ? Split.UNKNOWN : Split.parse(split), layer, param,
        channel >= 0 ? Map.of("channel", Integer.toString(channel)) : Map.of(), TagMeaning.METADATA);
  }

  /** A description: the sentence, a blank line, the machine line. */
  static String description(String sentence, Role role, String split, String layer, String param) {
    return meaning(role, split, layer, param, -1).describe(sentence);
  }

  /** A description of a tag about one channel of a layer. */
  static String description(String sentence, Role role, String split, String layer, int channel) {
    return meaning(role, split, layer, null, channel).describe(sentence);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
