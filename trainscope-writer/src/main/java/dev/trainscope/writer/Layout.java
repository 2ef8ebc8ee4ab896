package dev.trainscope.writer;

/** How the pixels of one image lie in a flat float array. */
public enum Layout {
  /** Channel-major, {@code [channel][row][column]}: PyTorch and DJL tensors. */
  CHW,
  /** Pixel-major, {@code [row][column][channel]}: TensorFlow, NumPy images, most file decoders. */
  HWC;

  /** The index of {@code (channel, y, x)} in an image of the given size. */
  int index(int channel, int y, int x, int channels, int height, int width) {
    return this == CHW ? (channel * height + y) * width + x : (y * width + x) * channels + channel;
  }
}
