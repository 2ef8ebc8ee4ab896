package dev.trainscope.diagnose;

import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Infers what each tag is from the naming habits of the tools that write event files, since tags
 * do not say it themselves:
 *
 * <ul>
 *   <li>Trainscope's writer and DJL listener: {@code train/loss}, {@code val/accuracy}, {@code
 *       train/lr}, {@code grad_norm/<layer>}, {@code grad/<layer>}, {@code weights/<layer>}, {@code
 *       biases/<layer>}, {@code update_ratio/<layer>}, {@code grad_zero_fraction/<layer>}, {@code
 *       activations/<layer>/pre|post}, {@code dead_units/<layer>}, {@code activation_mean|std/<layer>},
 *       {@code inputs/histogram}, {@code inputs/fingerprint}; its tag descriptions say the role too
 *       ({@code role: loss}).
 *   <li>Keras: {@code epoch_loss}, {@code epoch_accuracy}, {@code batch_loss}, {@code
 *       epoch_learning_rate}, in runs named {@code .../train} and {@code .../validation}; weight
 *       histograms {@code <layer>/kernel_0}.
 *   <li>PyTorch and tensorboardX habits: {@code loss}, {@code Loss/train}, {@code loss/val}, {@code
 *       train_loss}, {@code val_acc}, {@code lr}, {@code <layer>.weight}, {@code <layer>.weight.grad},
 *       {@code <layer>/grad}; Lightning's {@code train_loss_step}, {@code val_loss_epoch}.
 * </ul>
 *
 * Overrides ({@code regex -> role}, checked against "run/tag" and the tag alone, first match wins)
 * take precedence over inference.
 */
public final class Roles {
  private final List<Override> overrides;

  /** One user override: tags whose name (or run/name) matches take this role. */
  public record Override(Pattern pattern, Role role, Split split) {}

  public Roles(List<Override> overrides) {
    this.overrides = List.copyOf(overrides);
  }

  public static Roles defaults() {
    return new Roles(List.of());
  }

  /** Parses overrides written as {@code regex=role} or {@code regex=role:train|val}. */
  public static Roles withOverrides(List<String> specs) {
    List<Override> out = new ArrayList<>();
    for (String spec : specs) {
      int eq = spec.lastIndexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("role override must be regex=role, was '" + spec + "'");
      }
      String rhs = spec.substring(eq + 1);
      Split split = Split.UNKNOWN;
      int colon = rhs.indexOf(':');
      if (colon >= 0) {
        String s = rhs.substring(colon + 1).toLowerCase(Locale.ROOT);
        split = s.startsWith("train") ? Split.TRAIN : s.startsWith("val") ? Split.VALIDATION : Split.UNKNOWN;
        rhs = rhs.substring(0, colon);
      }
      Pattern p;
      try {
        p = Pattern.compile(spec.substring(0, eq));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("role override '" + spec + "' has a bad regex: " + e.getDescription());
      }
      out.add(new Override(p, Role.parse(rhs), split));
    }
    return new Roles(out);
  }

  private static final Pattern LAYER_PREFIXED = Pattern.compile(
      "^(grad_norm|grad|gradients|weights|biases|update_ratio|grad_zero_fraction|dead_units|activation_mean|"
          + "activation_std)/(.+)$");
  private static final Pattern ACTIVATIONS = Pattern.compile("^activations/(.+)/(pre|post)$");

  public TagRole infer(TagInfo t) {
    String run = t.run();
    String tag = t.tag();
    for (Override o : overrides) {
      if (o.pattern().matcher(run + "/" + tag).find() || o.pattern().matcher(tag).find()) {
        Split split = o.split() != Split.UNKNOWN ? o.split() : splitOf(run, tag);
        return new TagRole(run, tag, t.kind(), o.role(), split, layerOf(tag));
      }
    }
    return new TagRole(run, tag, t.kind(), roleOf(t), splitOf(run, tag), layerOf(tag));
  }

  private static Role roleOf(TagInfo t) {
    String desc = t.description() == null ? "" : t.description().toLowerCase(Locale.ROOT);
    Matcher rd = Pattern.compile("role: *([a-z_]+)").matcher(desc);
    if (rd.find()) {
      try {
        return Role.parse(rd.group(1));
      } catch (IllegalArgumentException e) {
        // an unknown role name in a description: fall back to the name
      }
    }
    String tag = t.tag();
    String low = tag.toLowerCase(Locale.ROOT);
    Matcher m = LAYER_PREFIXED.matcher(low);
    if (m.matches()) {
      switch (m.group(1)) {
        case "grad_norm": return Role.GRAD_NORM;
        case "grad": case "gradients": return t.kind() == TagKind.HISTOGRAM ? Role.GRADIENTS : Role.GRAD_NORM;
        case "weights": return Role.WEIGHTS;
        case "biases": return Role.BIASES;
        case "update_ratio": return Role.UPDATE_RATIO;
        case "grad_zero_fraction": return Role.GRAD_ZERO_FRACTION;
        case "dead_units": return Role.DEAD_UNITS;
        case "activation_mean": return Role.ACTIVATION_MEAN;
        case "activation_std": return Role.ACTIVATION_STD;
        default: break;
      }
    }
    Matcher a = ACTIVATIONS.matcher(low);
    if (a.matches()) {
      return a.group(2).equals("pre") ? Role.PRE_ACTIVATIONS : Role.ACTIVATIONS;
    }
    if (t.kind() == TagKind.HISTOGRAM) {
      if (low.startsWith("inputs") || low.startsWith("input/") || low.equals("input")) {
        return Role.INPUTS;
      }
      if (low.endsWith(".grad") || low.endsWith("/grad") || low.contains("gradient")) {
        return Role.GRADIENTS;
      }
      if (low.endsWith(".bias") || low.endsWith("/bias") || low.contains("bias_0")) {
        return Role.BIASES;
      }
      if (low.endsWith(".weight") || low.endsWith("/weight") || low.contains("kernel") || low.contains("weights")) {
        return Role.WEIGHTS;
      }
      return Role.OTHER;
    }
    if (low.contains("fingerprint")) {
      return Role.BATCH_FINGERPRINT;
    }
    if (t.kind() != TagKind.SCALAR) {
      return Role.OTHER;
    }
    String base = low.replaceAll("(_step|_epoch)$", "");
    if (matchesWord(base, "lr|learning_rate|learningrate|learning-rate")) {
      return Role.LEARNING_RATE;
    }
    if (matchesWord(base, "loss|nll|cross_entropy|xent|cost")) {
      return Role.LOSS;
    }
    if (matchesWord(base, "acc|accuracy|top1|top_1")) {
      return Role.ACCURACY;
    }
    return Role.OTHER;
  }

  /** True when one of the alternatives is a whole word of the name ('/', '_', '.', ' ' separate words). */
  private static boolean matchesWord(String name, String alternatives) {
    return Pattern.compile("(^|[/_. -])(" + alternatives + ")($|[/_. -])").matcher(name).find()
        && !name.contains("hp_metric");
  }

  static Split splitOf(String run, String tag) {
    String low = tag.toLowerCase(Locale.ROOT);
    if (Pattern.compile("(^|[/_. -])(val|valid|validation|eval|test|dev)($|[/_. -])").matcher(low).find()
        || low.startsWith("val") || low.startsWith("test_") || low.startsWith("eval_")) {
      return Split.VALIDATION;
    }
    if (Pattern.compile("(^|[/_. -])(train|training|trn)($|[/_. -])").matcher(low).find() || low.startsWith("train")
        || low.startsWith("batch_")) {
      return Split.TRAIN;
    }
    String r = run.toLowerCase(Locale.ROOT);
    String last = r.substring(r.lastIndexOf('/') + 1);
    if (last.matches("val|valid|validation|eval|test")) {
      return Split.VALIDATION;
    }
    if (last.matches("train|training")) {
      return Split.TRAIN;
    }
    return Split.UNKNOWN;
  }

  static String layerOf(String tag) {
    Matcher m = LAYER_PREFIXED.matcher(tag);
    if (m.matches()) {
      return m.group(2);
    }
    Matcher a = Pattern.compile("^activations/(.+)/(pre|post)$").matcher(tag);
    if (a.matches()) {
      return a.group(1);
    }
    String low = tag.toLowerCase(Locale.ROOT);
    for (String suffix : new String[] {".weight.grad", ".bias.grad", ".weight", ".bias", "/grad", "/kernel_0",
        "/bias_0", "/weights", "/biases"}) {
      if (low.endsWith(suffix)) {
        return tag.substring(0, tag.length() - suffix.length());
      }
    }
    return "";
  }

  /** The roles of many tags at once. */
  public List<TagRole> inferAll(List<TagInfo> tags) {
    List<TagRole> out = new ArrayList<>(tags.size());
    for (TagInfo t : tags) {
      out.add(infer(t));
    }
    return out;
  }

  /** For messages: the overrides in effect. */
  public Map<String, String> describe() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (Override o : overrides) {
      m.put(o.pattern().pattern(), o.role().name().toLowerCase(Locale.ROOT));
    }
    return m;
  }
}
