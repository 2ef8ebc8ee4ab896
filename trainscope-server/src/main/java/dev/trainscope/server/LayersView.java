package dev.trainscope.server;

import dev.trainscope.data.LogdirData;
import dev.trainscope.data.ScalarBuckets;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.diagnose.Roles;
import dev.trainscope.diagnose.TagRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's health at a glance: for each per-layer quantity (gradient norm, update/weight ratio,
 * dead-unit fraction, activation std), a matrix with one row per layer, from input to output (the
 * order the layers were logged in), and one column per step bucket over the run's steps. Each cell
 * is the bucket's mean, or the last value before it for a quantity logged less often than there are
 * columns; the heatmap is drawn by the browser.
 */
final class LayersView {
  static final Role[] ROLES = {Role.GRAD_NORM, Role.UPDATE_RATIO, Role.DEAD_UNITS, Role.ACTIVATION_STD};

  private LayersView() {}

  /** A heatmap: {@code values[row][column]}, NaN where a layer has no value in a bucket. */
  record Heatmap(String role, List<String> layers, List<String> tags, long[] steps, double[][] values) {}

  static List<Heatmap> of(LogdirData store, String run, Roles roles, int columns) {
    Map<Role, List<TagRole>> byRole = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (TagInfo t : store.tags(run)) {
      if (t.kind() != TagKind.SCALAR || t.count() == 0) {
        continue;
      }
      TagRole r = roles.infer(t);
      for (Role role : ROLES) {
        if (r.role() == role && !r.layer().isEmpty()) {
          byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(r);
          first = Math.min(first, t.firstStep());
          last = Math.max(last, t.lastStep());
        }
      }
    }
    List<Heatmap> out = new ArrayList<>();
    if (first > last) {
      return out;
    }
    double width = ((double) last - first + 1) / columns;
    long[] steps = new long[columns];
    for (int c = 0; c < columns; c++) {
      steps[c] = first + (long) Math.floor(c * width);
    }
    for (Role role : ROLES) {
      List<TagRole> tags = byRole.get(role);
      if (tags == null) {
        continue;
      }
      List<String> layers = new ArrayList<>();
      List<String> names = new ArrayList<>();
      double[][] values = new double[tags.size()][columns];
      for (int row = 0; row < tags.size(); row++) {
        TagRole t = tags.get(row);
        layers.add(t.layer());
        names.add(t.tag());
        java.util.Arrays.fill(values[row], Double.NaN);
        ScalarBuckets b = store.scalarBuckets(run, t.tag(), first, last, columns);
        boolean[] has = new boolean[columns];
        for (int i = 0; i < b.size(); i++) {
          int c = (int) Math.min(columns - 1, Math.max(0, (long) ((b.firstStep()[i] - first) / width)));
          values[row][c] = b.mean()[i];
          has[c] = true;
        }
        // a quantity logged every k steps holds until its next value: no gaps between its columns
        double held = Double.NaN;
        int lastColumn = (int) Math.min(columns - 1, Math.max(0, (long) ((store.tag(run, t.tag()).lastStep() - first) / width)));
        for (int c = 0; c <= lastColumn; c++) {
          if (!has[c]) {
            values[row][c] = held;
          } else {
            held = values[row][c];
          }
        }
      }
      out.add(new Heatmap(role.name().toLowerCase(java.util.Locale.ROOT), layers, names, steps, values));
    }
    return out;
  }
}
