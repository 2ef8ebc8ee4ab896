package dev.trainscope.data;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;

/**
 * Event files for tests, built with the events module's own encoders: the events training code
 * writes (scalars, histograms, images, text, session logs, graphs), framed as TFRecords.
 */
final class TestEvents {
  private TestEvents() {}

  static final double WALL0 = 1.7e9;

  static Event fileVersion() {
    return new Event(WALL0, 0, new Event.FileVersion("brain.Event:2"), null);
  }

  static Event scalar(String tag, long step, float value) {
    return scalar(tag, step, WALL0 + step, value);
  }

  static Event scalar(String tag, long step, double wall, float value) {
    return summary(step, wall, SummaryValue.of(tag, null, new SummaryValue.SimpleValue(value)));
  }

  static Event summary(long step, double wall, SummaryValue... values) {
    return new Event(wall, step, new Summary(List.of(values)), null);
  }

  static SummaryValue simple(String tag, float value) {
    return SummaryValue.of(tag, null, new SummaryValue.SimpleValue(value));
  }

  /** A tensor-style histogram: DT_DOUBLE [k, 3] of (left, right, count) under the histograms plugin. */
  static Event histogram(String tag, long step, double[] left, double[] right, double[] count) {
    int k = count.length;
    double[] v = new double[3 * k];
    for (int i = 0; i < k; i++) {
      v[3 * i] = left[i];
      v[3 * i + 1] = right[i];
      v[3 * i + 2] = count[i];
    }
    TensorProto t = TensorProto.ofDoubles(TensorShape.of(k, 3), v);
    return summary(step, WALL0 + step, SummaryValue.of(tag, meta(PluginNames.HISTOGRAMS), t));
  }

  /** A legacy HistogramProto: bucket i ends at limit[i]. */
  static Event legacyHistogram(String tag, long step, double min, double max, double[] limits, double[] counts) {
    double num = 0;
    for (double c : counts) {
      num += c;
    }
    HistogramProto h = new HistogramProto(min, max, num, 0, 0, limits, counts);
    return summary(step, WALL0 + step, SummaryValue.of(tag, null, h));
  }

  /** A legacy image value (Summary.Image) holding one encoded image. */
  static Event image(String tag, long step, byte[] png, int width, int height) {
    return summary(step, WALL0 + step, SummaryValue.of(tag, null, new ImageProto(height, width, 3, png)));
  }

  /** A tensor-style image batch: DT_STRING [2 + n] of width, height and n encoded images. */
  static Event tensorImages(String tag, long step, int width, int height, List<byte[]> images) {
    List<byte[]> s = new ArrayList<>();
    s.add(Integer.toString(width).getBytes(StandardCharsets.US_ASCII));
    s.add(Integer.toString(height).getBytes(StandardCharsets.US_ASCII));
    s.addAll(images);
    TensorProto t = TensorProto.ofStrings(TensorShape.of(s.size()), s);
    return summary(step, WALL0 + step, SummaryValue.of(tag, meta(PluginNames.IMAGES), t));
  }

  static Event audio(String tag, long step, byte[] wav) {
    return summary(step, WALL0 + step, SummaryValue.of(tag, null, new AudioProto(8000f, 1, 100, wav, "audio/wav")));
  }

  /** A text summary: DT_STRING [n] under the text plugin. */
  static Event text(String tag, long step, String... strings) {
    List<byte[]> s = new ArrayList<>();
    for (String x : strings) {
      s.add(x.getBytes(StandardCharsets.UTF_8));
    }
    TensorProto t = TensorProto.ofStrings(TensorShape.of(s.size()), s);
    return summary(step, WALL0 + step, SummaryValue.of(tag, meta(PluginNames.TEXT), t));
  }

  static Event sessionStart(long step) {
    return new Event(WALL0 + step, step, new SessionLog(SessionLog.START, "", ""), null);
  }

  static Event graph(long step, byte[] graphDef) {
    return new Event(WALL0 + step, step, new Event.GraphDef(graphDef), null);
  }

  static SummaryMetadata meta(String plugin) {
    return SummaryMetadata.forPlugin(plugin, new byte[0], SummaryMetadata.DATA_CLASS_TENSOR);
  }

  /** A rank-0 DT_FLOAT tensor under the scalars plugin, as TF2 writes scalars. */
  static Event tensorScalar(String tag, long step, float value) {
    TensorProto t = TensorProto.ofContent(DataType.DT_FLOAT, TensorShape.SCALAR,
        java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    return summary(step, WALL0 + step, SummaryValue.of(tag, meta(PluginNames.SCALARS), t));
  }

  /** The events framed one after another, as a writer lays them out. */
  static byte[] frame(List<Event> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CRC32C crc = new CRC32C();
    for (Event e : events) {
      byte[] data = e.toByteArray();
      byte[] rec = new byte[TfRecordFormat.framedLength(data.length)];
      TfRecordFormat.frame(crc, data, 0, data.length, rec, 0);
      out.writeBytes(rec);
    }
    return out.toByteArray();
  }

  static byte[] frame(Event... events) {
    return frame(List.of(events));
  }

  /** Writes (replacing) an event file with a file version record and the events. */
  static Path write(Path file, List<Event> events) throws IOException {
    Files.createDirectories(file.getParent());
    List<Event> all = new ArrayList<>();
    all.add(fileVersion());
    all.addAll(events);
    Files.write(file, frame(all));
    return file;
  }

  static Path write(Path file, Event... events) throws IOException {
    return write(file, List.of(events));
  }

  static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Scalars of one tag at the given steps, with value {@code f(step)}. */
  static List<Event> scalars(String tag, long from, long to, java.util.function.LongFunction<Float> f) {
    List<Event> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(scalar(tag, s, f.apply(s)));
    }
    return out;
  }

  /** A PNG of the given size, every pixel of colour {@code rgb} except a marker pixel at (0, 0). */
  static byte[] png(int width, int height, int rgb) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    img.setRGB(0, 0, 0x123456);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The standard name of the n-th event file of a run. */
  static String fileName(int n) {
    return "events.out.tfevents." + (1700000000 + n) + ".host.1." + n;
  }
}
