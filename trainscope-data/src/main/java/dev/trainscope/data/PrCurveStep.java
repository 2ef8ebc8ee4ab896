package dev.trainscope.data;

/** The precision-recall curve of one step, one entry per threshold. */
public record PrCurveStep(
    long step,
    double wallTime,
    double[] truePositives,
    double[] falsePositives,
    double[] trueNegatives,
    double[] falseNegatives,
    double[] precision,
    double[] recall) {

  public int thresholds() {
    return precision.length;
  }
}
