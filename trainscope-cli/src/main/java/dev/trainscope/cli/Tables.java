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
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder("   ");
      for (int i = 0; i < row.length; i++) {
        int pad = width[i] - row[i].codePointCount(0, row[i].length());
        if (i == rightAligned) {
          sb.append(" ".repeat(pad)).append(row[i]);
        } else {
          sb.append(row[i]);
          if (i < row.length - 1) {
            sb.append(" ".repeat(pad));
          }
        }
        if (i < row.length - 1) {
          sb.append("  ");
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
