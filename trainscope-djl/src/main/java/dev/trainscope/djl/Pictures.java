package dev.trainscope.djl;

import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.ImageBatch;
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

  /** How one sample of a batch is seen as a picture: its channels, height, width and layout. */
  record Sample(int channels, int height, int width, Layout layout) {
    /** The first {@code count} samples of {@code values} as a batch of pictures. */
    ImageBatch batch(float[] values, int count) {
      return new ImageBatch(values, count, channels, height, width, layout);
    }
  }

  /**
   * How the samples of a batch of shape {@code shape} (samples first) are seen as pictures: as
   * {@code imageShape} (channels, height, width) when given and it fits; else {@code [N, C, H, W]}
   * when C is 1, 3 or 4, {@code [N, H, W, C]} when C is, {@code [N, H, W]} as grey, {@code [N, S]}
   * with S a square as a grey square. Null when they cannot be.
   */
  static Sample sampleShape(long[] shape, int[] imageShape) {
    if (shape.length < 2 || shape[0] == 0) {
      return null;
    }
    long perSample = 1;
    for (int i = 1; i < shape.length; i++) {
      perSample *= shape[i];
    }
    if (imageShape != null) {
      return (long) imageShape[0] * imageShape[1] * imageShape[2] == perSample
          ? new Sample(imageShape[0], imageShape[1], imageShape[2], Layout.CHW) : null;
    } else if (shape.length == 4 && isChannels(shape[1])) {
      return new Sample((int) shape[1], Math.toIntExact(shape[2]), Math.toIntExact(shape[3]), Layout.CHW);
    } else if (shape.length == 4 && isChannels(shape[3])) {
      return new Sample((int) shape[3], Math.toIntExact(shape[1]), Math.toIntExact(shape[2]), Layout.HWC);
    } else if (shape.length == 3) {
      return new Sample(1, Math.toIntExact(shape[1]), Math.toIntExact(shape[2]), Layout.CHW);
    } else if (shape.length == 2 && isSquare(shape[1])) {
      int side = (int) Math.round(Math.sqrt(shape[1]));
      return new Sample(1, side, side, Layout.CHW);
    }
    return null;
  }

  private static boolean isChannels(long c) {
    return c == 1 || c == 3 || c == 4;
  }

  private static boolean isSquare(long n) {
    long r = Math.round(Math.sqrt(n));
    return r > 1 && r * r == n;
  }

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

  /** [-1, 1] to [0, 1]. */
  private static final Denormalize SIGNED = Denormalize.range(-1, 1);

  /** Columns of a feature view's grid: 3 x 3 for its 9 images. */
  static final int VIEW_COLUMNS = 3;

  /**
   * Images {@code [C, H, W]} in a grid of {@value #VIEW_COLUMNS} columns, in order: grey or RGB
   * (other channel counts as the grey mean of their channels), mapped to [0, 1] by {@code undo},
   * or when it is null (or cannot apply to the channels) from the images' common [min, max].
   */
  static BufferedImage imageGrid(List<float[]> images, int c, int h, int w, Denormalize undo) {
    int shown = c == 3 ? 3 : 1;
    float[][] pictures = new float[images.size()][];
    for (int i = 0; i < pictures.length; i++) {
      pictures[i] = shown == c ? images.get(i).clone() : channelMean(images.get(i), c, h * w);
    }
    Denormalize u = undo;
    if (u != null && shown == c) {
      try {
        u.requireChannels(c);
      } catch (IllegalArgumentException e) {
        u = null;
      }
    } else {
      u = null;
    }
    if (u == null) {
      u = unitRange(pictures);
    }
    int scale = scaleFor(Math.max(h, w), MIN_MAP_PIXELS);
    List<BufferedImage> out = new ArrayList<>(pictures.length);
    for (float[] p : pictures) {
      out.add(enlarge(Images.toImage(p, shown, h, w, Layout.CHW, u), scale));
    }
    return Images.grid(out, VIEW_COLUMNS, PADDING);
  }

  /**
   * Signed images {@code [C, H, W]} (reconstructions) in a grid of {@value #VIEW_COLUMNS}
   * columns: each mapped on its own from [-m, m] to [0, 255], m its largest finite absolute value,
   * so 0 is mid-grey (128); an image that is all 0 is all mid-grey.
   */
  static BufferedImage signedGrid(List<float[]> images, int c, int h, int w) {
    int shown = c == 3 ? 3 : 1;
    int scale = scaleFor(Math.max(h, w), MIN_MAP_PIXELS);
    List<BufferedImage> out = new ArrayList<>(images.size());
    for (float[] image : images) {
      float[] p = shown == c ? image.clone() : channelMean(image, c, h * w);
      float m = 0;
      for (float v : p) {
        if (Float.isFinite(v)) {
          m = Math.max(m, Math.abs(v));
        }
      }
      if (m > 0) {
        // divided here rather than by a range of [-m, m], so that 0 is exactly 0.5: 128, never 127
        for (int i = 0; i < p.length; i++) {
          p[i] /= m;
        }
      }
      out.add(enlarge(Images.toImage(p, shown, h, w, Layout.CHW, SIGNED), scale));
    }
    return Images.grid(out, VIEW_COLUMNS, PADDING);
  }

  private static float[] channelMean(float[] image, int c, int plane) {
    float[] mean = new float[plane];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < plane; j++) {
        mean[j] += image[i * plane + j] / c;
      }
    }
    return mean;
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
