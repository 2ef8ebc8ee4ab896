package dev.trainscope.writer;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns training tensors into images: one image from floats (undoing the input normalisation),
 * and grids of several images, as torchvision's {@code make_grid} lays them out: {@code columns}
 * images per row, {@code padding} black pixels around and between them.
 *
 * <p>A float becomes a byte as {@code round(clamp(undo(x), 0, 1) * 255)}; NaN becomes 0.
 */
public final class Images {
  private Images() {}

  /** torchvision's {@code make_grid} default: 8 images per row. */
  public static final int DEFAULT_COLUMNS = 8;
  /** torchvision's {@code make_grid} default: 2 pixels. */
  public static final int DEFAULT_PADDING = 2;

  /**
   * One image from {@code channels x height x width} floats: 1 channel is grey, 3 are RGB, 4 are
   * RGBA. {@code undo} maps each value back to [0, 1] first.
   */
  public static BufferedImage toImage(float[] data, int channels, int height, int width, Layout layout,
      Denormalize undo) {
    Require.nonNull(data, "data");
    Require.channels(channels);
    Require.positive(height, "height");
    Require.positive(width, "width");
    Require.nonNull(layout, "layout");
    Require.nonNull(undo, "undo");
    Require.length(data.length, "data", channels, height, width);
    undo.requireChannels(channels);
    return toImage(data, 0, channels, height, width, layout, undo);
  }

  /** The image at {@code offset} in {@code data}; arguments already checked. */
  static BufferedImage toImage(float[] data, int offset, int channels, int height, int width, Layout layout,
      Denormalize undo) {
    if (channels == 1) {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
      WritableRaster raster = img.getRaster();
      int[] row = new int[width];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          row[x] = toByte(undo.toUnit(data[offset + layout.index(0, y, x, 1, height, width)], 0));
        }
        raster.setSamples(0, y, width, 1, 0, row);
      }
      return img;
    }
    boolean alpha = channels == 4;
    BufferedImage img = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = toByte(undo.toUnit(data[offset + layout.index(0, y, x, channels, height, width)], 0));
        int g = toByte(undo.toUnit(data[offset + layout.index(1, y, x, channels, height, width)], 1));
        int b = toByte(undo.toUnit(data[offset + layout.index(2, y, x, channels, height, width)], 2));
        int a = alpha ? toByte(undo.toUnit(data[offset + layout.index(3, y, x, channels, height, width)], 3)) : 0xFF;
        row[x] = a << 24 | r << 16 | g << 8 | b;
      }
      img.setRGB(0, y, width, 1, row, 0, width);
    }
    return img;
  }

  /** {@code round(clamp(u, 0, 1) * 255)}, NaN to 0. */
  static int toByte(float unit) {
    if (!(unit > 0)) {
      return 0; // also NaN
    }
    if (unit >= 1) {
      return 255;
    }
    return Math.round(unit * 255f);
  }

  /** The images of a batch, in order. */
  public static List<BufferedImage> toImages(ImageBatch batch, Denormalize undo) {
    Require.nonNull(batch, "batch");
    Require.nonNull(undo, "undo");
    undo.requireChannels(batch.channels());
    List<BufferedImage> out = new ArrayList<>(batch.count());
    for (int i = 0; i < batch.count(); i++) {
      out.add(toImage(batch.data(), i * batch.imageSize(), batch.channels(), batch.height(), batch.width(),
          batch.layout(), undo));
    }
    return out;
  }

  /** A grid of a batch's images with the default columns and padding. */
  public static BufferedImage grid(ImageBatch batch, Denormalize undo) {
    return grid(toImages(batch, undo), DEFAULT_COLUMNS, DEFAULT_PADDING);
  }

  public static BufferedImage grid(ImageBatch batch, Denormalize undo, int columns, int padding) {
    Require.positive(columns, "columns");
    Require.nonNegative(padding, "padding");
    return grid(toImages(batch, undo), columns, padding);
  }

  /** A grid with the default columns and padding. */
  public static BufferedImage grid(List<BufferedImage> images) {
    return grid(images, DEFAULT_COLUMNS, DEFAULT_PADDING);
  }

  /**
   * Lays the images out row by row, {@code min(columns, n)} per row, each in a cell as large as the
   * largest image (smaller ones at the cell's top left), with {@code padding} pixels of black
   * (transparent black when any image has an alpha channel, which the grid then has too) around
   * every cell. Pixels are copied as they are: a grey image's samples become equal R, G and B.
   */
  public static BufferedImage grid(List<BufferedImage> images, int columns, int padding) {
    Require.nonNull(images, "images");
    Require.positive(columns, "columns");
    Require.nonNegative(padding, "padding");
    if (images.isEmpty()) {
      throw new IllegalArgumentException("images must not be empty, was []");
    }
    int cellW = 0;
    int cellH = 0;
    boolean alpha = false;
    for (int i = 0; i < images.size(); i++) {
      BufferedImage img = Require.nonNull(images.get(i), "images[" + i + "]");
      cellW = Math.max(cellW, img.getWidth());
      cellH = Math.max(cellH, img.getHeight());
      alpha |= img.getColorModel().hasAlpha();
    }
    int cols = Math.min(columns, images.size());
    int rows = (images.size() + cols - 1) / cols;
    long w = (long) cols * (cellW + padding) + padding;
    long h = (long) rows * (cellH + padding) + padding;
    if (w * h > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the grid of " + images.size() + " images would be " + w + " x " + h
          + " pixels, more than an image can hold");
    }
    BufferedImage grid = new BufferedImage((int) w, (int) h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setComposite(AlphaComposite.Src); // copy pixels, alpha included, rather than blend them
      for (int i = 0; i < images.size(); i++) {
        int x = padding + (i % cols) * (cellW + padding);
        int y = padding + (i / cols) * (cellH + padding);
        g.drawImage(images.get(i), x, y, null);
      }
    } finally {
      g.dispose();
    }
    return grid;
  }

  /** The image encoded as PNG. */
  public static byte[] png(BufferedImage image) {
    return Png.encode(image);
  }
}
