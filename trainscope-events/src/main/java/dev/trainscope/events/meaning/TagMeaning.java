package dev.trainscope.events.meaning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a tag is: its role, the data split it was computed on, the layer and parameter it
 * belongs to ("" when none), any further attributes its writer stated ({@code channel}, {@code
 * dims}...), and where this knowledge came from.
 *
 * <p>Trainscope's writers state it as the last line of the tag's description, after a blank line,
 * so that programs need not guess from names:
 *
 * <pre>
 * role: &lt;role&gt;[, split: train|val][, layer: &lt;layer&gt;][, param: &lt;name&gt;][, &lt;key&gt;: &lt;value&gt;]...
 * </pre>
 *
 * <p>Keys and values are separated by ": ", pairs by ", "; a value cannot hold ", ". {@link
 * #line()} writes it, {@link #fromDescription} reads it.
 *
 * @param role what the tag holds
 * @param split the data it was computed on
 * @param layer the layer ("" when the quantity is not per layer, or of the whole network)
 * @param param the parameter's own name within its layer ({@code weight}, {@code bias},
 *     {@code gamma}), "" when not per parameter or when it is the layer's weight by default
 * @param attributes further pairs of the description line, in order
 * @param source where the meaning came from: {@link #METADATA}, a naming habit ({@code "name:
 *     Keras"}...), {@link #OVERRIDE}, or {@link #NONE}
 */
public record TagMeaning(Role role, Split split, String layer, String param, Map<String, String> attributes,
    String source) {
  /** Stated by the writer in the tag's metadata. */
  public static final String METADATA = "metadata";
  /** Given by the user ({@code --role}). */
  public static final String OVERRIDE = "override";
  /** Neither stated nor recognised. */
  public static final String NONE = "none";

  /** A tag nothing is known about. */
  public static final TagMeaning UNKNOWN = new TagMeaning(Role.OTHER, Split.UNKNOWN, "", "", Map.of(), NONE);

  public TagMeaning {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(split, "split");
    layer = layer == null ? "" : layer;
    param = param == null ? "" : param;
    attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    Objects.requireNonNull(source, "source");
  }

  /** A meaning without attributes. */
  public static TagMeaning of(Role role, Split split, String layer, String param, String source) {
    return new TagMeaning(role, split, layer, param, Map.of(), source);
  }

  /** The same with another role and split, as an override says. */
  public TagMeaning withRole(Role newRole, Split newSplit, String newSource) {
    return new TagMeaning(newRole, newSplit, layer, param, attributes, newSource);
  }

  /** True when the tag is a bias rather than a layer's weights or a whole layer's quantity. */
  public boolean isBias() {
    return param.equals("bias") || role == Role.BIASES;
  }

  /** The machine line: {@code role: grad_norm, split: train, layer: conv2d_1, param: bias}. */
  public String line() {
    StringBuilder sb = new StringBuilder("role: ").append(role.id());
    if (split != Split.UNKNOWN) {
      sb.append(", split: ").append(split.id());
    }
    if (!layer.isEmpty()) {
      sb.append(", layer: ").append(layer);
    }
    if (!param.isEmpty()) {
      sb.append(", param: ").append(param);
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      sb.append(", ").append(e.getKey()).append(": ").append(e.getValue());
    }
    return sb.toString();
  }

  /** A description for people followed by the machine line, as the writers put it in metadata. */
  public String describe(String sentence) {
    return sentence == null || sentence.isBlank() ? line() : sentence + "\n\n" + line();
  }

  /**
   * The meaning a description states in its last line, or null when it states none (no line
   * starting {@code role:}, or a role this version does not know).
   */
  public static TagMeaning fromDescription(String description) {
    if (description == null || description.isBlank()) {
      return null;
    }
    String text = description.strip();
    int nl = text.lastIndexOf('\n');
    String last = (nl < 0 ? text : text.substring(nl + 1)).strip();
    if (!last.startsWith("role:")) {
      return null;
    }
    Role role = null;
    Split split = Split.UNKNOWN;
    String layer = "";
    String param = "";
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String pair : last.split(", ")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      String key = pair.substring(0, colon).strip();
      String value = pair.substring(colon + 1).strip();
      switch (key) {
        case "role":
          try {
            role = Role.parse(value);
          } catch (IllegalArgumentException e) {
            return null;
          }
          break;
        case "split": split = Split.parse(value); break;
        case "layer": layer = value; break;
        case "param": param = value; break;
        default: attrs.put(key, value);
      }
    }
    return role == null ? null : new TagMeaning(role, split, layer, param, attrs, METADATA);
  }
}
