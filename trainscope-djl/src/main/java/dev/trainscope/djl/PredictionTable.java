package dev.trainscope.djl;

import java.util.List;
import java.util.Locale;

/**
 * The probe batch's predictions as a Markdown table, one row per sample: its label, the predicted
 * class and its probability (softmax of the scores), and whether they agree. Rows keep the probe
 * batch's order, so a row's number is the sample's place in it.
 */
final class PredictionTable {
  private PredictionTable() {}

  /**
   * @param scores {@code n x k} class scores (logits), row by row
   * @param labels {@code n} class indices, or null when the probe has no labels
   * @param classNames names by class index, or null for the indices
   */
  static String markdown(float[] scores, int n, int k, float[] labels, List<String> classNames, long step) {
    StringBuilder sb = new StringBuilder(64 + 48 * n);
    int right = 0;
    StringBuilder rows = new StringBuilder(48 * n);
    for (int i = 0; i < n; i++) {
      double[] p = Stats.softmax(scores, i * k, k);
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      rows.append("| ").append(i).append(" | ");
      if (labels != null) {
        int label = Math.round(labels[i]);
        boolean ok = label == best;
        right += ok ? 1 : 0;
        rows.append(name(label, classNames)).append(" | ").append(name(best, classNames)).append(" | ")
            .append(String.format(Locale.ROOT, "%.3f", p[best])).append(" | ").append(ok ? "yes" : "**no**");
      } else {
        rows.append(name(best, classNames)).append(" | ").append(String.format(Locale.ROOT, "%.3f", p[best]));
      }
      rows.append(" |\n");
    }
    if (labels != null) {
      sb.append(String.format(Locale.ROOT, "Probe batch at step %d: **%d of %d right** (%.1f%%).\n\n", step, right, n,
          100.0 * right / n));
      sb.append("| sample | label | predicted | probability | right |\n|---:|---:|---:|---:|:---:|\n");
    } else {
      sb.append(String.format(Locale.ROOT, "Probe batch at step %d.\n\n", step));
      sb.append("| sample | predicted | probability |\n|---:|---:|---:|\n");
    }
    return sb.append(rows).toString();
  }

  /** A class's name, with Markdown's table and emphasis characters escaped. */
  private static String name(int index, List<String> classNames) {
    if (classNames == null || index < 0 || index >= classNames.size()) {
      return Integer.toString(index);
    }
    StringBuilder sb = new StringBuilder();
    for (char c : classNames.get(index).toCharArray()) {
      if ("\\|*_`[]<>#".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c == '\n' || c == '\r' ? ' ' : c);
    }
    return sb.toString();
  }
}
