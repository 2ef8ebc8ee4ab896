package dev.trainscope.writer;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes an embedding as {@code torch.utils.tensorboard}'s and tensorboardX's {@code add_embedding}
 * lay it out, for TensorBoard's projector and ours: {@code <logdir>/<step, 5 digits>/<tag, URL
 * encoded>/tensors.tsv}, {@code metadata.tsv} (one label a line, or a header row then a row per
 * vector when there are several columns), {@code sprite.png} (the images in a square grid, row
 * first), and an {@code embeddings { ... }} block appended to {@code <logdir>/projector_config.pbtxt}.
 */
final class EmbeddingWriter {
  private EmbeddingWriter() {}

  static final String CONFIG = "projector_config.pbtxt";

  static synchronized void write(Path logdir, String tag, float[][] vectors, List<String> header,
      List<List<String>> metadata, List<BufferedImage> images, long step) {
    Require.tag(tag, "tag");
    Require.nonNull(vectors, "vectors");
    if (vectors.length == 0) {
      throw new IllegalArgumentException("vectors must hold at least one row, was empty");
    }
    int dims = Require.nonNull(vectors[0], "vectors[0]").length;
    if (dims == 0) {
      throw new IllegalArgumentException("vectors[0] must hold at least one number, was empty");
    }
    for (int i = 0; i < vectors.length; i++) {
      if (Require.nonNull(vectors[i], "vectors[" + i + "]").length != dims) {
        throw new IllegalArgumentException("vectors[" + i + "].length must be " + dims + " as vectors[0]'s, was "
            + vectors[i].length);
      }
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0 (it names the embedding's folder), was " + step);
    }
    if (metadata != null) {
      if (metadata.size() != vectors.length) {
        throw new IllegalArgumentException("metadata must have a row per vector (" + vectors.length + "), had "
            + metadata.size());
      }
      int columns = header == null ? 1 : header.size();
      if (header != null && columns < 2) {
        throw new IllegalArgumentException("a header names two or more columns (one column has none), had " + columns);
      }
      for (int i = 0; i < metadata.size(); i++) {
        List<String> row = Require.nonNull(metadata.get(i), "metadata[" + i + "]");
        if (row.size() != columns) {
          throw new IllegalArgumentException("metadata[" + i + "] must have " + columns + " values, had " + row.size());
        }
        for (String v : row) {
          if (v == null || v.indexOf('\t') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("metadata[" + i + "] holds a value that is null or has a tab or a line"
                + " break: " + v);
          }
        }
      }
    }
    int width = 0;
    int height = 0;
    if (images != null) {
      if (images.size() != vectors.length) {
        throw new IllegalArgumentException("images must have an image per vector (" + vectors.length + "), had "
            + images.size());
      }
      width = Require.nonNull(images.get(0), "images[0]").getWidth();
      height = images.get(0).getHeight();
      for (int i = 0; i < images.size(); i++) {
        BufferedImage im = Require.nonNull(images.get(i), "images[" + i + "]");
        if (im.getWidth() != width || im.getHeight() != height) {
          throw new IllegalArgumentException("images[" + i + "] is " + im.getWidth() + "x" + im.getHeight()
              + ", images[0] is " + width + "x" + height);
        }
      }
    }
    String name = String.format("%05d", step);
    String folder = java.net.URLEncoder.encode(tag, StandardCharsets.UTF_8).replace("+", "%20");
    String sub = name + "/" + folder;
    try {
      Path dir = Files.createDirectories(logdir.resolve(name).resolve(folder));
      try (Writer w = Files.newBufferedWriter(dir.resolve("tensors.tsv"), StandardCharsets.UTF_8)) {
        for (float[] row : vectors) {
          for (int j = 0; j < row.length; j++) {
            if (j > 0) {
              w.write('\t');
            }
            w.write(Float.toString(row[j]));
          }
          w.write('\n');
        }
      }
      StringBuilder config = new StringBuilder();
      config.append("embeddings {\n");
      config.append("tensor_name: ").append(quote(tag + ":" + name)).append('\n');
      config.append("tensor_path: ").append(quote(sub + "/tensors.tsv")).append('\n');
      if (metadata != null) {
        try (Writer w = Files.newBufferedWriter(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
          if (header != null) {
            w.write(String.join("\t", header));
            w.write('\n');
          }
          for (List<String> row : metadata) {
            w.write(String.join("\t", row));
            w.write('\n');
          }
        }
        config.append("metadata_path: ").append(quote(sub + "/metadata.tsv")).append('\n');
      }
      if (images != null) {
        Files.write(dir.resolve("sprite.png"), Png.encode(sprite(images, width, height)));
        config.append("sprite {\nimage_path: ").append(quote(sub + "/sprite.png")).append('\n');
        config.append("single_image_dim: ").append(width).append('\n');
        config.append("single_image_dim: ").append(height).append("\n}\n");
      }
      config.append("}\n");
      Files.writeString(logdir.resolve(CONFIG), config, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the embedding '" + tag + "' under " + logdir + " failed", e);
    }
  }

  /** The images in a grid of ceil(sqrt(n)) columns and rows, row first, the rest black, as torch's make_sprite. */
  static BufferedImage sprite(List<BufferedImage> images, int width, int height) {
    int side = (int) Math.ceil(Math.sqrt(images.size()));
    BufferedImage out = new BufferedImage(side * width, side * height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      for (int i = 0; i < images.size(); i++) {
        g.drawImage(images.get(i), (i % side) * width, (i / side) * height, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A text-format string: quotes and backslashes escaped, other bytes as UTF-8 (C escapes for control bytes). */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c == '"' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\%03o", c));
      } else if (c < 0x80) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\%03o", c));
      }
    }
    return sb.append('"').toString();
  }
}
