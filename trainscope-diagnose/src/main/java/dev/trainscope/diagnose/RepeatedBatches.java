package dev.trainscope.diagnose;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The same batch fed again and again: a data loader that does not advance or shuffle. */
final class RepeatedBatches implements Rule {
  @Override
  public String id() {
    return "repeated-batches";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (TagRole tag : s.withRole(Role.BATCH_FINGERPRINT)) {
      if (tag.kind() != dev.trainscope.data.TagKind.SCALAR) {
        continue;
      }
      Series v = s.series(tag);
      if (v.size() < 10) {
        continue;
      }
      Set<Long> seen = new HashSet<>();
      int repeats = 0;
      long first = -1;
      for (int i = 0; i < v.size(); i++) {
        if (!seen.add(Double.doubleToLongBits(v.values()[i]))) {
          repeats++;
          if (first < 0) {
            first = v.steps()[i];
          }
        }
      }
      double frac = (double) repeats / v.size();
      if (frac >= t.get("repeat.fraction")) {
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", first, v.lastStep(),
            Rules.ev("repeated_fraction", frac, "distinct_batches", seen.size(), "batches", v.size()),
            Rules.fmt(100 * frac) + "% of the logged batches were seen before (" + seen.size() + " distinct of "
                + v.size() + ")",
            "the data loader repeats batches: check that the iterator advances and that the data are shuffled each "
                + "epoch"));
        return;
      }
    }
  }
}
