package dev.trainscope.writer;

/**
 * Argument checks at the API boundary. Each failure is an {@link IllegalArgumentException} whose
 * message names the argument and shows the value it had.
 */
final class Require {
  private Require() {}

  static String tag(String tag, String name) {
    if (tag == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (tag.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty, was \"\"");
    }
    return tag;
  }

  static <T> T nonNull(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  static double wallTime(double seconds) {
    if (!Double.isFinite(seconds)) {
      throw new IllegalArgumentException("wallTimeSeconds must be finite, was " + seconds);
    }
    return seconds;
  }

  static double finite(double value, String name) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, was " + value);
    }
    return value;
  }

  static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  static int nonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
    return value;
  }

  static int inRange(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }

  static double[] nonEmpty(double[] values, String name) {
    nonNull(values, name);
    if (values.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty, was double[0]");
    }
    return values;
  }

  static float[] nonEmpty(float[] values, String name) {
    nonNull(values, name);
    if (values.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty, was float[0]");
    }
    return values;
  }

  static int channels(int channels) {
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new IllegalArgumentException("channels must be 1 (grey), 3 (RGB) or 4 (RGBA), was " + channels);
    }
    return channels;
  }

  /** Checks that an array's length is the product of the dimensions that describe it. */
  static void length(int length, String name, long... dims) {
    long n = 1;
    StringBuilder shape = new StringBuilder();
    for (long d : dims) {
      n = n < 0 ? n : d > 0 && n > Long.MAX_VALUE / d ? -1 : n * d;
      shape.append(shape.length() == 0 ? "" : " x ").append(d);
    }
    if (n != length) {
      throw new IllegalArgumentException(name + ".length must be " + shape + " = "
          + (n < 0 ? "more than 2^63" : Long.toString(n)) + ", was " + length);
    }
  }

  /** A file or directory name part: no separators, not "." or "..", no NUL. */
  static String pathPart(String part, String name) {
    nonNull(part, name);
    if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('/') >= 0
        || part.indexOf('\\') >= 0 || part.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(name + " must be a plain file name part (no '/', '\\\\', NUL,"
          + " not empty, \".\" or \"..\"), was \"" + part + "\"");
    }
    return part;
  }
}
