package dev.trainscope.server;

import io.javalin.http.Context;
import java.util.List;

/**
 * Query parameters, checked at the boundary: a missing or malformed one is a {@link BadRequest}
 * whose message names the parameter and the value it had.
 */
final class Params {
  private Params() {}

  static final int MAX_NAME = 4096;

  static String required(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      throw new BadRequest("missing query parameter '" + name + "'");
    }
    return checkName(name, v);
  }

  static List<String> all(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.isEmpty()) {
      throw new BadRequest("missing query parameter '" + name + "' (give it once per value)");
    }
    if (values.size() > 10_000) {
      throw new BadRequest("too many '" + name + "' parameters: " + values.size());
    }
    values.forEach(v -> checkName(name, v));
    return values;
  }

  private static String checkName(String name, String v) {
    if (v.length() > MAX_NAME) {
      throw new BadRequest("query parameter '" + name + "' is longer than " + MAX_NAME + " characters");
    }
    return v;
  }

  static long longParam(Context ctx, String name, long dflt) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest("query parameter '" + name + "' must be an integer, was '" + shorten(v) + "'");
    }
  }

  static int intParam(Context ctx, String name, int dflt, int min, int max) {
    long v = longParam(ctx, name, dflt);
    if (v < min || v > max) {
      throw new BadRequest("query parameter '" + name + "' must be in " + min + ".." + max + ", was " + v);
    }
    return (int) v;
  }

  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
