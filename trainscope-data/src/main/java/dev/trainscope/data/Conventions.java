package dev.trainscope.data;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a tag is, when its metadata does not say: read from the naming habits of the tools that
 * write event files. The store asks once, when it first sees a tag ({@link TagInfo#meaning()}).
 *
 * <ul>
 *   <li>Trainscope's writer and DJL listener state the meaning in the description's last line
 *       ({@link TagMeaning#fromDescription}); older files of theirs are recognised by name:
 *       {@code train/loss}, {@code grad_norm/<param>}, {@code weights/<layer>}, {@code
 *       activations/<layer>/pre|post}, {@code dead_units/<layer>}, {@code inputs/fingerprint}...
 *   <li>Keras' TensorBoard callback: {@code epoch_loss}, {@code epoch_accuracy}, {@code
 *       batch_loss}, {@code epoch_learning_rate}, in runs named {@code .../train} and {@code
 *       .../validation}; weight histograms {@code <layer>/kernel_0}, {@code <layer>/bias_0},
 *       {@code batch_normalization/gamma_0}.
 *   <li>PyTorch Lightning: {@code train_loss_step}, {@code train_loss_epoch}, {@code val_loss},
 *       {@code val_acc}, an {@code epoch} scalar, {@code lr-<Optimizer>} from its
 *       LearningRateMonitor, {@code grad_2.0_norm/<param>} and {@code grad_2.0_norm_total}, {@code
 *       hp_metric}.
 *   <li>{@code torch.utils.tensorboard} and tensorboardX as people use them: {@code Loss/train},
 *       {@code train/loss}, {@code loss/train}, {@code train_loss}, {@code Accuracy/val}, {@code lr};
 *       parameter histograms {@code fc1.weight}, {@code fc1/weight}, gradients {@code
 *       fc1.weight.grad}, {@code fc1.weight/grad}, {@code grad/fc1.weight}; {@code
 *       grad_norm/<param>}; {@code activations/<layer>[/pre|/post]}; an input histogram {@code
 *       input/batch}; input images.
 *   <li>Any other scalar whose name has a split word ({@code train/mae}, {@code val_f1}): role
 *       {@code other}, with that split.
 * </ul>
 *
 * <p>The source of an inferred meaning names the habit ({@code "name: Keras"}), so that a user can
 * see why a tag was read as it was.
 */
public final class Conventions {
  private Conventions() {}

  static final String TRAINSCOPE = "name: Trainscope";
  static final String KERAS = "name: Keras";
  static final String LIGHTNING = "name: Lightning";
  static final String PYTORCH = "name: PyTorch";
  static final String GENERIC = "name";

  /** Trainscope's per-layer prefixes; the rest of the tag is a parameter or a layer. */
  private static final Pattern PREFIXED = Pattern.compile(
      "^(grad_norm|grad_2\\.0_norm|grad|gradients|weights|biases|update_ratio|grad_zero_fraction|dead_units|"
          + "activation_mean|activation_std)/(.+)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTIVATIONS = Pattern.compile("^activations?/(.+?)(?:/(pre|post))?$",
      Pattern.CASE_INSENSITIVE);
  /** A PyTorch parameter name, dotted or slashed: {@code fc1.weight}, {@code model.0/bias}, {@code bn.running_mean}. */
  private static final Pattern TORCH_PARAM = Pattern.compile(
      "^(.+)[./](weight|bias|running_mean|running_var|num_batches_tracked)([./]grad)?$", Pattern.CASE_INSENSITIVE);
  /**
   * A Keras weight: {@code dense/kernel_0}, {@code batch_normalization/gamma_0} (older versions: {@code
   * kernel:0}; newer ones name the histogram {@code dense/kernel_0/histogram}, beside a {@code /image}).
   */
  private static final Pattern KERAS_WEIGHT = Pattern.compile(
      "^(.+)/(kernel|bias|gamma|beta|moving_mean|moving_variance|embeddings|recurrent_kernel|depthwise_kernel)"
          + "(?:[_:]\\d+)?(?:/histogram)?$", Pattern.CASE_INSENSITIVE);
  /** The DJL listener's feature views: {@code features/<layer>/<channel>/top9|deconv|guided|ranking}. */
  private static final Pattern FEATURE = Pattern.compile("^features/(.+)/(\\d+)/(top9|deconv|guided|ranking)$");
  /** The DJL listener's per-convolution pictures: {@code filters/<layer>}, {@code feature_maps/<layer>}. */
  private static final Pattern LAYER_PICTURE = Pattern.compile("^(filters|feature_maps)/(.+)$");
  private static final Pattern LATENT_STD = Pattern.compile("^latent/std/(\\d+)$");
  private static final Pattern LIGHTNING_LR = Pattern.compile("^lr-[A-Za-z0-9_]+(/pg\\d+)?(-momentum)?$");
  private static final Pattern WORD_SPLIT = Pattern.compile("[/_. \\-]+");
  // Compiled once: the store names every tag of every run it loads, and compiling these for each
  // took a third of what loading 10,000 small runs allocated (BENCHMARKS.md, "Issue 22").
  private static final Pattern INPUT_IMAGES = Pattern.compile("(.*[/_])?(inputs?|samples?|images?|batch)([/_].*)?");
  private static final Pattern PARAM_WORD = Pattern.compile("[a-z_]+");
  private static final Pattern GRAD_SUFFIX = Pattern.compile("(?i)([./_]grad|/?gradients?/?)$");
  private static final Pattern GRAD_PREFIX = Pattern.compile("(?i)^gradients?/");
  private static final Pattern GRAD_NORM_TOTAL =
      Pattern.compile("grad_\\d+(\\.\\d+)?_norm_total|grad_norm(_total|/total)?|gradient_norm|total_grad_norm");
  private static final Pattern STEP_OR_EPOCH_END = Pattern.compile(".*_(step|epoch)$");
  private static final Pattern STEP_OR_EPOCH_SUFFIX = Pattern.compile("_(step|epoch)$");
  private static final Pattern VS_ITERATIONS_SUFFIX = Pattern.compile("_vs_iterations$");

  /**
   * The meaning of a tag of the given run: as its description states it, else as its name and
   * kind suggest, else {@link TagMeaning#UNKNOWN}.
   */
  public static TagMeaning infer(String run, String tag, TagKind kind, String description) {
    TagMeaning stated = TagMeaning.fromDescription(description);
    if (stated != null) {
      return stated;
    }
    TagMeaning byName = byName(tag, kind);
    if (byName == null) {
      return TagMeaning.UNKNOWN;
    }
    if (byName.split() == Split.UNKNOWN) {
      Split fromRun = splitOfRun(run);
      if (fromRun != Split.UNKNOWN) {
        return new TagMeaning(byName.role(), fromRun, byName.layer(), byName.param(), byName.attributes(), byName.source());
      }
    }
    return byName;
  }

  /** A tag's name and kind, the key of what its name says. */
  private record Named(String tag, TagKind kind) {}

  /** Remembered for a name that says nothing (compared by identity). */
  private static final TagMeaning NOTHING = new TagMeaning(Role.OTHER, Split.UNKNOWN, "", "", java.util.Map.of(), "no meaning");

  /** At most this many names are remembered; past it, names are read each time. */
  static final int REMEMBERED = 16_384;

  /**
   * What each name said, as runs share their tag names (10,000 runs of one sweep log the same
   * three): the regular expressions run once per name instead of once per tag of each run.
   */
  private static final java.util.concurrent.ConcurrentHashMap<Named, TagMeaning> BY_NAME =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** What a tag's name and kind say (remembered), or null. */
  private static TagMeaning byName(String tag, TagKind kind) {
    Named key = new Named(tag, kind);
    TagMeaning m = BY_NAME.get(key);
    if (m == null) {
      m = readName(tag, kind);
      if (m == null) {
        m = NOTHING;
      }
      if (BY_NAME.size() < REMEMBERED) {
        BY_NAME.putIfAbsent(key, m);
      }
    }
    return m == NOTHING ? null : m;
  }

  private static TagMeaning readName(String tag, TagKind kind) {
    String low = tag.toLowerCase(Locale.ROOT);
    TagMeaning pictures = trainscopePictures(tag, kind);
    if (pictures != null) {
      return pictures;
    }
    Matcher p = PREFIXED.matcher(tag);
    if (p.matches()) {
      return prefixed(p.group(1).toLowerCase(Locale.ROOT), p.group(2), kind);
    }
    Matcher a = ACTIVATIONS.matcher(tag);
    if (a.matches() && kind == TagKind.HISTOGRAM) {
      boolean pre = "pre".equalsIgnoreCase(a.group(2));
      return TagMeaning.of(pre ? Role.PRE_ACTIVATIONS : Role.ACTIVATIONS, Split.UNKNOWN, a.group(1), "",
          a.group(2) == null ? PYTORCH : TRAINSCOPE);
    }
    if (kind == TagKind.HISTOGRAM) {
      return histogram(tag, low);
    }
    if (kind == TagKind.IMAGE) {
      return INPUT_IMAGES.matcher(low).matches() && !low.contains("reconstruct")
          ? TagMeaning.of(Role.INPUT_IMAGES, splitOf(low), "", "", GENERIC) : null;
    }
    if (kind != TagKind.SCALAR) {
      return null;
    }
    return scalar(tag, low);
  }

  /**
   * The pictures and views of Trainscope's DJL listener in files older than its metadata: feature
   * views (layer and channel), filters and feature maps (layer), the autoencoder's latent traversal,
   * reconstructions and per-dimension spreads.
   */
  private static TagMeaning trainscopePictures(String tag, TagKind kind) {
    Matcher f = FEATURE.matcher(tag);
    if (f.matches() && (kind == TagKind.IMAGE || kind == TagKind.TEXT)) {
      Role role = switch (f.group(3)) {
        case "top9" -> Role.FEATURE_TOP9;
        case "deconv" -> Role.FEATURE_DECONV;
        case "guided" -> Role.FEATURE_GUIDED;
        default -> Role.FEATURE_RANKING;
      };
      return new TagMeaning(role, Split.VALIDATION, f.group(1), "", java.util.Map.of("channel", f.group(2)), TRAINSCOPE);
    }
    Matcher p = LAYER_PICTURE.matcher(tag);
    if (p.matches() && kind == TagKind.IMAGE) {
      return p.group(1).equals("filters") ? TagMeaning.of(Role.FILTERS, Split.UNKNOWN, p.group(2), "weight", TRAINSCOPE)
          : TagMeaning.of(Role.FEATURE_MAPS, Split.UNKNOWN, p.group(2), "", TRAINSCOPE);
    }
    if (kind == TagKind.IMAGE && tag.equals("latent/traversal")) {
      return TagMeaning.of(Role.LATENT_TRAVERSAL, Split.UNKNOWN, "", "", TRAINSCOPE);
    }
    if (kind == TagKind.IMAGE && tag.equals("latent/reconstructions")) {
      return TagMeaning.of(Role.RECONSTRUCTIONS, Split.VALIDATION, "", "", TRAINSCOPE);
    }
    Matcher d = LATENT_STD.matcher(tag);
    if (d.matches() && kind == TagKind.SCALAR) {
      return new TagMeaning(Role.LATENT_STD, Split.VALIDATION, "", "", java.util.Map.of("dim", d.group(1)), TRAINSCOPE);
    }
    return null;
  }

  /** {@code <prefix>/<rest>}: Trainscope's per-layer tags, and the gradient norms of PyTorch and Lightning users. */
  private static TagMeaning prefixed(String prefix, String rest, TagKind kind) {
    String source = prefix.equals("grad_2.0_norm") ? LIGHTNING : TRAINSCOPE;
    String[] lp = layerAndParam(rest);
    Role role;
    switch (prefix) {
      case "grad_norm":
      case "grad_2.0_norm":
        role = kind == TagKind.HISTOGRAM ? Role.GRADIENTS : Role.GRAD_NORM;
        break;
      case "grad":
      case "gradients":
        role = kind == TagKind.HISTOGRAM ? Role.GRADIENTS : Role.GRAD_NORM;
        break;
      case "weights":
        role = lp[1].equals("bias") ? Role.BIASES : Role.WEIGHTS;
        break;
      case "biases":
        role = Role.BIASES;
        if (lp[1].isEmpty()) {
          lp[1] = "bias";
        }
        break;
      case "update_ratio": role = Role.UPDATE_RATIO; break;
      case "grad_zero_fraction": role = Role.GRAD_ZERO_FRACTION; break;
      case "dead_units": role = Role.DEAD_UNITS; break;
      case "activation_mean": role = Role.ACTIVATION_MEAN; break;
      case "activation_std": role = Role.ACTIVATION_STD; break;
      default: return null;
    }
    if (!rest.contains(".") && !rest.contains("/") && (role == Role.GRAD_NORM || role == Role.GRADIENTS
        || role == Role.UPDATE_RATIO || role == Role.GRAD_ZERO_FRACTION || role == Role.WEIGHTS)) {
      lp[1] = "weight"; // Trainscope's convention: a parameter named by its layer alone is the layer's weight
    }
    Split split = role == Role.GRAD_NORM || role == Role.GRADIENTS || role == Role.GRAD_ZERO_FRACTION
        || role == Role.UPDATE_RATIO ? Split.TRAIN : Split.UNKNOWN;
    return TagMeaning.of(role, split, lp[0], lp[1], source);
  }

  /**
   * A parameter's layer and own name: {@code model.0.weight} and {@code model.0/weight} are layer
   * {@code model.0}, parameter {@code weight}; Trainscope's {@code conv2d_1/bias} is layer {@code
   * conv2d_1}, parameter {@code bias}; Keras' {@code dense/kernel_0} is {@code dense}, {@code
   * kernel}; a bare name is the layer.
   */
  static String[] layerAndParam(String name) {
    Matcher t = TORCH_PARAM.matcher(name);
    if (t.matches() && t.group(3) == null) {
      return new String[] {t.group(1), t.group(2).toLowerCase(Locale.ROOT)};
    }
    Matcher k = KERAS_WEIGHT.matcher(name);
    if (k.matches()) {
      return new String[] {k.group(1), k.group(2).toLowerCase(Locale.ROOT)};
    }
    int slash = name.lastIndexOf('/');
    if (slash > 0 && PARAM_WORD.matcher(name.substring(slash + 1)).matches()) {
      return new String[] {name.substring(0, slash), name.substring(slash + 1)};
    }
    return new String[] {name, ""};
  }

  private static TagMeaning histogram(String tag, String low) {
    if (low.equals("input") || low.equals("inputs") || low.startsWith("input/") || low.startsWith("inputs/")
        || low.startsWith("input_") || low.endsWith("/input") || low.endsWith("/inputs")) {
      return TagMeaning.of(Role.INPUTS, Split.TRAIN, "", "", GENERIC);
    }
    Matcher t = TORCH_PARAM.matcher(tag);
    if (t.matches()) {
      String param = t.group(2).toLowerCase(Locale.ROOT);
      if (t.group(3) != null) {
        return TagMeaning.of(Role.GRADIENTS, Split.TRAIN, t.group(1), param, PYTORCH);
      }
      Role role = param.equals("weight") ? Role.WEIGHTS : param.equals("bias") ? Role.BIASES : Role.OTHER;
      return TagMeaning.of(role, Split.UNKNOWN, t.group(1), param, PYTORCH);
    }
    Matcher k = KERAS_WEIGHT.matcher(tag);
    if (k.matches()) {
      String param = k.group(2).toLowerCase(Locale.ROOT);
      Role role = switch (param) {
        case "kernel", "gamma", "embeddings", "recurrent_kernel", "depthwise_kernel" -> Role.WEIGHTS;
        case "bias", "beta" -> Role.BIASES;
        default -> Role.OTHER; // batch normalisation's moving statistics are no parameters
      };
      return TagMeaning.of(role, Split.UNKNOWN, k.group(1), param, KERAS);
    }
    if (low.endsWith("/grad") || low.endsWith(".grad") || low.endsWith("_grad") || low.contains("gradient")) {
      String layer = GRAD_PREFIX.matcher(GRAD_SUFFIX.matcher(tag).replaceAll("")).replaceAll("");
      return TagMeaning.of(Role.GRADIENTS, Split.TRAIN, layer, "", GENERIC);
    }
    if (low.endsWith("/weights") || low.endsWith("/weight")) {
      return TagMeaning.of(Role.WEIGHTS, Split.UNKNOWN, tag.substring(0, tag.lastIndexOf('/')), "weight", GENERIC);
    }
    if (low.endsWith("/biases") || low.endsWith("/bias")) {
      return TagMeaning.of(Role.BIASES, Split.UNKNOWN, tag.substring(0, tag.lastIndexOf('/')), "bias", GENERIC);
    }
    return null;
  }

  private static TagMeaning scalar(String tag, String low) {
    if (low.equals("hp_metric")) {
      return TagMeaning.of(Role.HP_METRIC, Split.UNKNOWN, "", "", LIGHTNING);
    }
    if (low.equals("epoch")) {
      return TagMeaning.of(Role.EPOCH, Split.UNKNOWN, "", "", LIGHTNING);
    }
    if (LIGHTNING_LR.matcher(tag).matches()) {
      return tag.endsWith("-momentum") ? TagMeaning.of(Role.OTHER, Split.TRAIN, "", "", LIGHTNING)
          : TagMeaning.of(Role.LEARNING_RATE, Split.TRAIN, "", "", LIGHTNING);
    }
    if (GRAD_NORM_TOTAL.matcher(low).matches()) {
      return TagMeaning.of(Role.GRAD_NORM, Split.TRAIN, "", "", low.startsWith("grad_2") ? LIGHTNING : GENERIC);
    }
    if (low.contains("fingerprint")) {
      return TagMeaning.of(Role.BATCH_FINGERPRINT, Split.TRAIN, "", "", TRAINSCOPE);
    }
    String source = low.startsWith("epoch_") || low.startsWith("batch_") || low.startsWith("evaluation_") ? KERAS
        : STEP_OR_EPOCH_END.matcher(low).matches() || low.startsWith("val_") || low.startsWith("train_") ? LIGHTNING
        : GENERIC;
    String[] words = WORD_SPLIT.split(VS_ITERATIONS_SUFFIX.matcher(STEP_OR_EPOCH_SUFFIX.matcher(low).replaceAll("")).replaceAll(""));
    Role role = null;
    for (String w : words) {
      Role r = switch (w) {
        case "loss", "nll", "xent", "cost", "crossentropy" -> Role.LOSS;
        case "acc", "accuracy", "top1", "correct" -> Role.ACCURACY;
        case "lr", "learningrate" -> Role.LEARNING_RATE;
        default -> null;
      };
      if (r != null) {
        role = r;
        break;
      }
    }
    if (role == null && (low.contains("learning_rate") || low.contains("cross_entropy"))) {
      role = low.contains("learning_rate") ? Role.LEARNING_RATE : Role.LOSS;
    }
    if (role == null) {
      // a metric the habits do not name ("train/mae", "val_f1"): what it is is unknown, but not its split
      Split split = splitOf(low);
      return split == Split.UNKNOWN ? null : TagMeaning.of(Role.OTHER, split, "", "", source);
    }
    Split split = splitOf(low);
    if (split == Split.UNKNOWN && role == Role.LEARNING_RATE) {
      split = Split.TRAIN;
    }
    return TagMeaning.of(role, split, "", "", source);
  }

  /** The split a tag's name says: a word {@code val}/{@code validation}/{@code test}... or {@code train}, {@code batch_}. */
  static Split splitOf(String low) {
    for (String w : WORD_SPLIT.split(low)) {
      switch (w) {
        case "val", "valid", "validation", "eval", "evaluation", "test", "dev", "vali":
          return Split.VALIDATION;
        case "train", "training", "trn":
          return Split.TRAIN;
        default:
          break;
      }
    }
    return low.startsWith("batch_") ? Split.TRAIN : Split.UNKNOWN;
  }

  /** The split a run's last folder says (Keras writes {@code exp/train} and {@code exp/validation}). */
  static Split splitOfRun(String run) {
    String r = run.toLowerCase(Locale.ROOT);
    String last = r.substring(r.lastIndexOf('/') + 1);
    return switch (last) {
      case "val", "valid", "validation", "eval", "test" -> Split.VALIDATION;
      case "train", "training" -> Split.TRAIN;
      default -> Split.UNKNOWN;
    };
  }
}
