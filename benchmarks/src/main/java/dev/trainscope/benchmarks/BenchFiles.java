package dev.trainscope.benchmarks;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Synthetic event files for the benchmarks, written with the events module's own encoders, in the
 * two styles real writers use: legacy {@code simple_value} (TF1, torch, tensorboardX) and
 * tensor-style scalars with plugin metadata on each tag's first value (TF2, Keras, Trainscope).
 */
public final class BenchFiles {
  private BenchFiles() {}

  public enum Style { SIMPLE_VALUE, TENSOR }

  /** {@code tags} tags, each logged at steps 0..steps-1, interleaved as a training loop logs them. */
  static Path scalars(Path dir, Style style, int tags, int steps) throws IOException {
    Path file = dir.resolve("events.out.tfevents.1700000000.bench." + style + "." + tags + "x" + steps);
    if (Files.exists(file)) {
      return file;
    }
    Random random = new Random(42);
    List<String> names = new ArrayList<>();
    for (int t = 0; t < tags; t++) {
      names.add((t % 2 == 0 ? "train/" : "val/") + "metric_" + t);
    }
    byte[] scalarsMetadata = VersionedPluginData.V0.toByteArray();
    try (RecordOut out = new RecordOut(file)) {
      out.write(new Event(1.7e9, 0, new Event.FileVersion("brain.Event:2"), null));
      for (int s = 0; s < steps; s++) {
        for (int t = 0; t < tags; t++) {
          float v = (float) Math.exp(-s / 20000.0) + (float) random.nextGaussian() * 0.01f;
          SummaryValue value;
          if (style == Style.SIMPLE_VALUE) {
            value = SummaryValue.of(names.get(t), null, new SummaryValue.SimpleValue(v));
          } else {
            SummaryMetadata md = s == 0
                ? SummaryMetadata.forPlugin(PluginNames.SCALARS, scalarsMetadata, SummaryMetadata.DATA_CLASS_SCALAR)
                : null;
            value = SummaryValue.of(names.get(t), md, TensorProto.scalar(v));
          }
          out.write(new Event(1.7e9 + s * 0.01 + t * 1e-4, s, Summary.of(value), null));
        }
      }
    }
    return file;
  }

  /**
   * Blob-heavy: each event holds one tensor-style image summary of about {@code blobBytes} bytes
   * of incompressible data (as a PNG is).
   */
  static Path blobs(Path dir, int events, int blobBytes) throws IOException {
    Path file = dir.resolve("events.out.tfevents.1700000000.bench.blobs." + events + "x" + blobBytes);
    if (Files.exists(file)) {
      return file;
    }
    Random random = new Random(7);
    try (RecordOut out = new RecordOut(file)) {
      out.write(new Event(1.7e9, 0, new Event.FileVersion("brain.Event:2"), null));
      for (int i = 0; i < events; i++) {
        byte[] png = new byte[blobBytes];
        random.nextBytes(png);
        SummaryMetadata md = i == 0
            ? SummaryMetadata.forPlugin(PluginNames.IMAGES, new byte[0], SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE)
            : null;
        TensorProto t = TensorProto.ofStrings(TensorShape.of(3), List.of("64".getBytes(), "64".getBytes(), png));
        out.write(new Event(1.7e9 + i, i, Summary.of(SummaryValue.of("inputs/batch", md, t)), null));
      }
    }
    return file;
  }

  /** Frames events into a file. */
  private static final class RecordOut implements AutoCloseable {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private byte[] frame = new byte[256];

    RecordOut(Path file) throws IOException {
      out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    }

    void write(Event e) throws IOException {
      byte[] data = e.toByteArray();
      int len = TfRecordFormat.framedLength(data.length);
      if (frame.length < len) {
        frame = new byte[len * 2];
      }
      TfRecordFormat.frame(crc, data, 0, data.length, frame, 0);
      out.write(frame, 0, len);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
