package dev.trainscope.data;

/**
 * A histogram compressed to the values at TensorBoard's nine basis points ({@link
 * Distributions#BASIS_POINTS}: 0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32 and 100 percent, the
 * normal distribution's quantiles at -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5 standard deviations and
 * +inf), for the distribution bands chart.
 */
public record DistributionStep(long step, double wallTime, double[] values) {}
