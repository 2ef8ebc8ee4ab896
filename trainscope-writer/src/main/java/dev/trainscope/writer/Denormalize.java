package dev.trainscope.writer;

import java.util.Arrays;

/**
 * Undoes the normalisation a data pipeline applied to image tensors, mapping each value back to
 * [0, 1] before it is scaled to a byte. Values outside [0, 1] after undoing are clamped; NaN
 * becomes 0.
 *
 * <pre>{@code
 * Denormalize.meanStd(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
 * }</pre>
 */
public sealed interface Denormalize permits NoDenormalize, MeanStdDenormalize, RangeDenormalize {

  /** Values are already in [0, 1]. */
  Denormalize NONE = NoDenormalize.INSTANCE;

  /**
   * Undoes {@code (x - mean[c]) / std[c]} per channel (torchvision's {@code Normalize} after
   * {@code ToTensor}): {@code x * std[c] + mean[c]}. One element applies to every channel; otherwise
   * the arrays need one element per image channel.
   */
  static Denormalize meanStd(float[] mean, float[] std) {
    return new MeanStdDenormalize(mean, std);
  }

  /** Values span {@code [min, max]}: {@code (x - min) / (max - min)}. */
  static Denormalize range(float min, float max) {
    return new RangeDenormalize(min, max);
  }

  /** The value of channel {@code channel}, mapped back to [0, 1] (not yet clamped). */
  float toUnit(float value, int channel);

  /** Throws {@link IllegalArgumentException} when this cannot apply to images of {@code channels} channels. */
  default void requireChannels(int channels) {}
}

/** No change: a disabled feature as an enum singleton. */
enum NoDenormalize implements Denormalize {
  INSTANCE;

  @Override
  public float toUnit(float value, int channel) {
    return value;
  }

  @Override
  public String toString() {
    return "Denormalize.NONE";
  }
}

/** {@code x * std[c] + mean[c]}. */
final class MeanStdDenormalize implements Denormalize {
  private final float[] mean;
  private final float[] std;

  MeanStdDenormalize(float[] mean, float[] std) {
    Require.nonNull(mean, "mean");
    Require.nonNull(std, "std");
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("mean and std must have the same length >= 1, were "
          + Arrays.toString(mean) + " and " + Arrays.toString(std));
    }
    for (int i = 0; i < mean.length; i++) {
      Require.finite(mean[i], "mean[" + i + "]");
      if (!(std[i] > 0) || !Float.isFinite(std[i])) {
        throw new IllegalArgumentException("std[" + i + "] must be finite and > 0, was " + std[i]);
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  @Override
  public float toUnit(float value, int channel) {
    int c = mean.length == 1 ? 0 : channel;
    return value * std[c] + mean[c];
  }

  @Override
  public void requireChannels(int channels) {
    if (mean.length != 1 && mean.length != channels) {
      throw new IllegalArgumentException("Denormalize.meanStd has " + mean.length
          + " channels (mean " + Arrays.toString(mean) + "), the image has " + channels);
    }
  }

  @Override
  public String toString() {
    return "Denormalize.meanStd(" + Arrays.toString(mean) + ", " + Arrays.toString(std) + ")";
  }
}

/** {@code (x - min) / (max - min)}. */
final class RangeDenormalize implements Denormalize {
  private final float min;
  private final float scale;
  private final float max;

  RangeDenormalize(float min, float max) {
    Require.finite(min, "min");
    Require.finite(max, "max");
    if (!(min < max)) {
      throw new IllegalArgumentException("min must be < max, were min " + min + " and max " + max);
    }
    this.min = min;
    this.max = max;
    this.scale = 1f / (max - min);
  }

  @Override
  public float toUnit(float value, int channel) {
    return (value - min) * scale;
  }

  @Override
  public String toString() {
    return "Denormalize.range(" + min + ", " + max + ")";
  }
}
