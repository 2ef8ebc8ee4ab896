package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import java.util.List;

/**
 * Inputs not centred or not within about [-1, 1] (DeepDiagnosis' out-of-range check), read from the
 * input value histograms: raw pixels in [0, 255] are the classic case. When a run logs several
 * input histograms (one per feature or channel), also features on very different scales: the
 * widest spread this many times the narrowest ({@code inputs.scaleRatio}).
 */
final class UnnormalizedInputs implements Rule {
  @Override
  public String id() {
    return "unnormalized-inputs";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    scales(s, t, out);
    for (TagRole tag : s.withRole(Role.INPUTS)) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = Rules.last(h);
      if (last == null) {
        continue;
      }
      double mean = Rules.histMean(last);
      double max = Rules.histMaxAbs(last);
      if (Math.abs(mean) > t.get("inputs.mean") || max > t.get("inputs.max")) {
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), "", h.get(0).step(), last.step(),
            Rules.ev("mean", mean, "max_abs", max, "std", Rules.histStd(last)),
            "inputs are not normalised: mean " + Rules.fmt(mean) + ", values up to " + Rules.fmt(max),
            "scale the inputs (e.g. pixels / 255) and standardise them (subtract the mean, divide by the std per "
                + "feature or channel)"));
        return;
      }
    }
  }

  /** Several input features whose spreads (std) differ by more than inputs.scaleRatio. */
  private void scales(Subject s, Thresholds t, List<Finding> out) {
    TagRole narrow = null;
    TagRole wide = null;
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (TagRole tag : s.withRole(Role.INPUTS)) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = Rules.last(h);
      if (last == null) {
        continue;
      }
      double std = Rules.histStd(last);
      if (!(std > 0)) {
        continue; // a constant feature has no scale to compare
      }
      from = Math.min(from, h.get(0).step());
      to = Math.max(to, last.step());
      if (std < lo) {
        lo = std;
        narrow = tag;
      }
      if (std > hi) {
        hi = std;
        wide = tag;
      }
    }
    if (narrow != null && wide != null && narrow != wide && hi / lo >= t.get("inputs.scaleRatio")) {
      out.add(new Finding("input-scales", Severity.WARNING, wide.run(), List.of(wide.tag(), narrow.tag()), "", from, to,
          Rules.ev("widest_std", hi, "narrowest_std", lo, "ratio", hi / lo),
          "input features on very different scales: '" + wide.tag() + "' spreads " + Rules.fmt(hi / lo)
              + " times as wide as '" + narrow.tag() + "'",
          "standardise each feature (subtract its mean, divide by its std), so that no feature dominates the "
              + "gradients by its units alone"));
    }
  }
}
