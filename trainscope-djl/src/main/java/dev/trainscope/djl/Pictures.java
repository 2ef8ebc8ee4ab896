package dev.trainscope.djl;

import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.Images;
import dev.trainscope.writer.Layout;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors as pictures: kernels, feature maps and input samples, made with the writer's {@link
 * Images}. Small pictures (a 5 x 5 kernel, a 7 x 7 map) are enlarged by an integer factor, each
 * value becoming a square of equal pixels, so they can be seen without the viewer's smoothing.
 */
final class Pictures {
  private Pictures() {}

  /** Kernels are enlarged to at least this many pixels a side. */
  static final int MIN_KERNEL_PIXELS = 24;
  /** Feature maps are enlarged to at least this many pixels a side. */
  static final int MIN_MAP_PIXELS = 28;
  static final int COLUMNS = 8;
  static final int PADDING = 2;

  /** The factor that makes {@code size} at least {@code min} pixels. */
  static int scaleFor(int size, int min) {
    return Math.max(1, (min + size - 1) / size);
  }

  /**
   * The kernels of a 2-D convolution, {@code [out, in, kh, kw]}: one picture per output channel,
   * RGB when {@code in} is 3, else grey (the mean over input channels when {@code in} is not 1),
   * all mapped from the tensor's [min, max] to [0, 255] with one scale; enlarged, in a grid.
   */
  static BufferedImage filters(float[] w, long[] shape) {
    int out = Math.toIntExact(shape[0]);
    int in = Math.toIntExact(shape[1]);
    int kh = Math.toIntExact(shape[2]);
    int kw = Math.toIntExact(shape[3]);
    int channels = in == 3 ? 3 : 1;
    int k = kh * kw;
    float[][] kernels = new float[out][];
    for (int o = 0; o < out; o++) {
      if (in == 3 || in == 1) {
        kernels[o] = Arrays.copyOfRange(w, o * in * k, (o + 1) * in * k);
      } else {
        float[] mean = new float[k];
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < k; j++) {
            mean[j] += w[(o * in + i) * k + j];
          }
        }
        for (int j = 0; j < k; j++) {
          mean[j] /= in;
        }
        kernels[o] = mean;
      }
    }
    Denormalize undo = unitRange(kernels);
    int scale = scaleFor(Math.max(kh, kw), MIN_KERNEL_PIXELS);
    List<BufferedImage> pictures = new ArrayList<>(out);
    for (float[] kernel : kernels) {
      pictures.add(enlarge(Images.toImage(kernel, channels, kh, kw, Layout.CHW, undo), scale));
    }
    return Images.grid(pictures, COLUMNS, PADDING);
  }

  /**
   * The channels of one sample's feature maps, {@code [C, H, W]} from {@code offset}: grey, mapped
   * from the sample's [min, max] over all channels to [0, 255] (so a channel that stays at the
   * minimum, a dead one after a ReLU, is black); enlarged, in a grid.
   */
  static BufferedImage featureMaps(float[] v, int offset, int c, int h, int w) {
    int size = h * w;
    float[][] maps = new float[c][];
    for (int i = 0; i < c; i++) {
      maps[i] = Arrays.copyOfRange(v, offset + i * size, offset + (i + 1) * size);
    }
    Denormalize undo = unitRange(maps);
    int scale = scaleFor(Math.max(h, w), MIN_MAP_PIXELS);
    List<BufferedImage> pictures = new ArrayList<>(c);
    for (float[] map : maps) {
      pictures.add(enlarge(Images.toImage(map, 1, h, w, Layout.CHW, undo), scale));
    }
    return Images.grid(pictures, COLUMNS, PADDING);
  }

  /**
   * Maps the arrays' common [min, max] of finite values to [0, 1]. When there is no range (all
   * finite values equal, or none finite) the arrays are zeroed in place, to show as black: a flat
   * tensor has nothing to show.
   */
  static Denormalize unitRange(float[]... arrays) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float[] a : arrays) {
      for (float x : a) {
        if (Float.isFinite(x)) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
    }
    if (min < max) {
      return Denormalize.range(min, max);
    }
    for (float[] a : arrays) {
      Arrays.fill(a, 0f);
    }
    return Denormalize.NONE;
  }

  /** Each pixel becomes a {@code scale x scale} square; samples are copied, never colour-converted. */
  static BufferedImage enlarge(BufferedImage img, int scale) {
    if (scale == 1) {
      return img;
    }
    int w = img.getWidth();
    int h = img.getHeight();
    WritableRaster src = img.getRaster();
    int bands = src.getNumBands();
    BufferedImage out = new BufferedImage(w * scale, h * scale, img.getType());
    WritableRaster dst = out.getRaster();
    int[] in = new int[w * bands];
    int[] row = new int[w * scale * bands];
    for (int y = 0; y < h; y++) {
      src.getPixels(0, y, w, 1, in);
      for (int x = 0; x < w; x++) {
        for (int r = 0; r < scale; r++) {
          System.arraycopy(in, x * bands, row, (x * scale + r) * bands, bands);
        }
      }
      for (int dy = 0; dy < scale; dy++) {
        dst.setPixels(0, y * scale + dy, w * scale, 1, row);
      }
    }
    return out;
  }
}
