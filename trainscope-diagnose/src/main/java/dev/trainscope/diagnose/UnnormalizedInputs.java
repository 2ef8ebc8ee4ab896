package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import java.util.List;

/**
 * Inputs not centred or not within about [-1, 1] (DeepDiagnosis' out-of-range check), read from the
 * input value histograms: raw pixels in [0, 255] are the classic case.
 */
final class UnnormalizedInputs implements Rule {
  @Override
  public String id() {
    return "unnormalized-inputs";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
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
}
