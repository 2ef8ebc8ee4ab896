package dev.trainscope.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as a table with columns padded to their widest cell; the count-like column 3 is right-aligned. */
final class Tables {
  private Tables() {}

  static void print(PrintWriter out, List<String[]> rows, int rightAligned) {
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    int line = 3;
    for (int w : width) {
      line += w + 2;
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder(line).append("   ");
      for (int i = 0; i < row.length; i++) {
        int pad = width[i] - row[i].codePointCount(0, row[i].length());
        if (i == rightAligned) {
          spaces(sb, pad).append(row[i]);
        } else {
          sb.append(row[i]);
          if (i < row.length - 1) {
            spaces(sb, pad);
          }
        }
        if (i < row.length - 1) {
          sb.append("  ");
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  private static StringBuilder spaces(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append(' ');
    }
    return sb;
  }

  /**
   * {@code n} with a comma between groups of three digits, as {@code String.format(Locale.ROOT,
   * "%,d", n)} writes it, without a Formatter: the run view prints one for each of 10,000 runs.
   */
  static String grouped(long n) {
    String digits = Long.toString(n);
    int start = n < 0 ? 1 : 0;
    int len = digits.length() - start;
    if (len <= 3) {
      return digits;
    }
    StringBuilder sb = new StringBuilder(digits.length() + len / 3);
    sb.append(digits, 0, start);
    for (int i = 0; i < len; i++) {
      if (i > 0 && (len - i) % 3 == 0) {
        sb.append(',');
      }
      sb.append(digits.charAt(start + i));
    }
    return sb.toString();
  }
}
