package dev.trainscope.writer;

/**
 * A batch of images in one flat float array, as a training loop holds it: {@code count} images of
 * {@code channels x height x width} values each, one after the other, each laid out as {@code
 * layout} says ({@code CHW} makes the batch NCHW, {@code HWC} makes it NHWC). The array is not
 * copied; it is read when the batch is turned into images.
 */
public record ImageBatch(float[] data, int count, int channels, int height, int width, Layout layout) {

  /** Checks the shape against the array's length and the channel count. */
  public ImageBatch {
    Require.nonNull(data, "data");
    Require.positive(count, "count");
    Require.channels(channels);
    Require.positive(height, "height");
    Require.positive(width, "width");
    Require.nonNull(layout, "layout");
    Require.length(data.length, "data", count, channels, height, width);
  }

  /** A batch in PyTorch's and DJL's layout, {@code [N, C, H, W]}. */
  public static ImageBatch nchw(float[] data, int count, int channels, int height, int width) {
    return new ImageBatch(data, count, channels, height, width, Layout.CHW);
  }

  /** A batch in TensorFlow's layout, {@code [N, H, W, C]}. */
  public static ImageBatch nhwc(float[] data, int count, int height, int width, int channels) {
    return new ImageBatch(data, count, channels, height, width, Layout.HWC);
  }

  /** The number of values of one image. */
  public int imageSize() {
    return channels * height * width;
  }
}
