package dev.trainscope.diagnose;

import dev.trainscope.data.TagInfo;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What each tag is, for the rules: the meaning the store read when it first saw the tag (from the
 * tag's metadata, or the naming habits of Keras, PyTorch, Lightning and tensorboardX:
 * {@link dev.trainscope.data.Conventions}), unless the user said otherwise. Overrides ({@code
 * regex=role[:train|val]}, checked against "run/tag" and the tag alone, first match wins) take
 * precedence.
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
        split = Split.parse(rhs.substring(colon + 1));
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

  public TagRole infer(TagInfo t) {
    TagMeaning m = t.meaning() == null ? TagMeaning.UNKNOWN : t.meaning();
    for (Override o : overrides) {
      if (o.pattern().matcher(t.run() + "/" + t.tag()).find() || o.pattern().matcher(t.tag()).find()) {
        Split split = o.split() != Split.UNKNOWN ? o.split() : m.split();
        return new TagRole(t.run(), t.tag(), t.kind(), o.role(), split, m.layer(), m.param(), TagMeaning.OVERRIDE);
      }
    }
    return new TagRole(t.run(), t.tag(), t.kind(), m.role(), m.split(), m.layer(), m.param(), m.source());
  }

  /** For messages: the overrides in effect. */
  public Map<String, String> describe() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (Override o : overrides) {
      m.put(o.pattern().pattern(), o.role().id() + (o.split() == Split.UNKNOWN ? "" : ":" + o.split().id()));
    }
    return m;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
