package dev.trainscope.cli;

/** Makes strings from files safe to print on a terminal: control characters are escaped. */
final class Terminal {
  private Terminal() {}

  /**
   * Escapes C0/C1 control characters (ESC sequences could otherwise move the cursor, retitle the
   * window or hide text), backslashes, and Unicode line and bidi-override characters.
   */
  static String safe(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = escape(c);
      if (rep != null) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(rep);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static String escape(char c) {
    switch (c) {
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      case '\\': return "\\\\";
      default:
        if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029
            || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
          return String.format("\\u%04x", (int) c);
        }
        return null;
    }
  }
}
