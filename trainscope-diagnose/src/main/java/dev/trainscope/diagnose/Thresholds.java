package dev.trainscope.diagnose;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The values of the {@link Threshold}s the rules compare against: their defaults, each changeable
 * by name ({@code --threshold vanishing.ratio=1e-4}). What each means, its unit and its source are
 * in {@link Threshold}.
 */
public final class Thresholds {
  private final EnumMap<Threshold, Double> values = new EnumMap<>(Threshold.class);

  private Thresholds() {
    for (Threshold t : Threshold.values()) {
      values.put(t, t.defaultValue());
    }
  }

  public static Thresholds defaults() {
    return new Thresholds();
  }

  public double get(Threshold threshold) {
    return values.get(threshold);
  }

  /** The value of the threshold of that name; throws for an unknown name. */
  public double get(String name) {
    return values.get(named(name));
  }

  private static Threshold named(String name) {
    Threshold t = Threshold.byId(name);
    if (t == null) {
      throw new IllegalArgumentException("no threshold named '" + name + "'");
    }
    return t;
  }

  /** A copy with one threshold changed; throws for an unknown name or a value that is not finite. */
  public Thresholds with(String name, double value) {
    Threshold which = named(name);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold " + name + " must be a finite number, was " + value);
    }
    Thresholds t = new Thresholds();
    t.values.putAll(values);
    t.values.put(which, value);
    return t;
  }

  /** Applies {@code name=value} settings. */
  public Thresholds with(Iterable<String> settings) {
    Thresholds t = this;
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("threshold must be name=value, was '" + s + "'");
      }
      double v;
      try {
        v = Double.parseDouble(s.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("threshold " + s.substring(0, eq) + " must be a number, was '"
            + s.substring(eq + 1) + "'");
      }
      t = t.with(s.substring(0, eq).trim(), v);
    }
    return t;
  }

  /** Every value by its threshold's name, in {@link Threshold}'s order. */
  public Map<String, Double> all() {
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k.id(), v));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%s%n", k.id(), v)));
    return sb.toString();
  }
}
