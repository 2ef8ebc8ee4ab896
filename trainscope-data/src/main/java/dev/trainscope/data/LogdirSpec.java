package dev.trainscope.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses TensorBoard's {@code --logdir_spec}: comma-separated {@code name:path} pairs, each path's
 * runs named {@code name/<dir>} ({@code name} for its root). An entry without a name contributes
 * its runs unprefixed. A colon that belongs to the path is not taken for the separator: one in an
 * entry that starts with '/' (an absolute path, as TensorBoard reads {@code /data/run:1}), one
 * followed by {@code //} (a URL such as {@code s3://bucket/logs}) or by a backslash (a Windows
 * drive).
 */
public final class LogdirSpec {
  private LogdirSpec() {}

  /** A named log directory; the name is "" when none was given. */
  public record Entry(String name, String path) {}

  public static List<Entry> parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("logdir_spec must not be empty, was '" + spec + "'");
    }
    List<Entry> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("logdir_spec has an empty entry: '" + spec + "'");
      }
      int colon = p.indexOf(':');
      boolean named = colon > 0 && p.charAt(0) != '/' && !p.startsWith("//", colon + 1)
          && !p.startsWith("\\", colon + 1);
      String name = named ? p.substring(0, colon) : "";
      String path = named ? p.substring(colon + 1) : p;
      if (path.isEmpty()) {
        throw new IllegalArgumentException("logdir_spec entry '" + p + "' has no path");
      }
      if (named && (name.contains("/") || name.equals(".") || name.equals(".."))) {
        throw new IllegalArgumentException(
            "logdir_spec name '" + name + "' must not contain '/' nor be '.' or '..'");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException("logdir_spec gives the name '" + name + "' twice");
      }
      out.add(new Entry(name, path));
    }
    return out;
  }
}
