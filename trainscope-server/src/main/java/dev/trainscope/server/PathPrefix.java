package dev.trainscope.server;

import java.util.regex.Pattern;

/**
 * The path under which the dashboard serves everything (its page, assets, API and live events),
 * TensorBoard's {@code --path_prefix}: for a server behind a reverse proxy that forwards, say,
 * {@code /tb/} to it. The empty prefix is the root. A prefix is normalised at the boundary: it
 * starts with '/', has no trailing '/', and is made of plain path segments (no {@code .} or
 * {@code ..}, no empty segment, no characters that would need escaping in a URL or a cookie's
 * {@code Path}).
 */
public record PathPrefix(String path) {
  public static final PathPrefix ROOT = new PathPrefix("");

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()*+,=:@-]+");

  public PathPrefix {
    if (!path.isEmpty()) {
      if (!path.startsWith("/") || path.endsWith("/")) {
        throw new IllegalArgumentException("a path prefix starts with '/' and has no trailing '/', was '" + path + "'");
      }
      for (String segment : path.substring(1).split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException("a path prefix may not hold '" + segment + "', was '" + path + "'");
        }
        if (!SEGMENT.matcher(segment).matches()) {
          throw new IllegalArgumentException("a path prefix is made of non-empty segments of letters, digits and "
              + "-._~!$&'()*+,=:@ separated by '/', was '" + Params.shorten(path) + "'");
        }
      }
    }
  }

  /**
   * The prefix a user gave ({@code --path_prefix}): {@code ""} or {@code "/"} is the root, one
   * trailing '/' is dropped ({@code /tb/} is {@code /tb}); anything else must be a valid prefix.
   */
  public static PathPrefix parse(String option) {
    if (option == null || option.isEmpty() || option.equals("/")) {
      return ROOT;
    }
    if (!option.startsWith("/")) {
      throw new IllegalArgumentException("--path_prefix must start with '/', was '" + Params.shorten(option) + "'");
    }
    return new PathPrefix(option.endsWith("/") ? option.substring(0, option.length() - 1) : option);
  }

  /** The page's address under this prefix: {@code /tb/}, or {@code /}. */
  public String home() {
    return path + "/";
  }

  /** Whether a request path lies under this prefix (is it, or starts with it and a '/'). */
  boolean covers(String requestPath) {
    return path.isEmpty() || requestPath.equals(path) || requestPath.startsWith(path + "/");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? "/" : path;
  }
}
