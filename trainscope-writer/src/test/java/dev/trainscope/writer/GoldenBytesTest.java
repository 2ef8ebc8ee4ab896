package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's bytes, pinned: a fixed set of events of every kind the writer has a method for
 * (scalars on the fast path and with their metadata, grouped scalars, histograms, images, audio,
 * text, PR curves, raw tensors, descriptions, a graph, the hparams experiment, session start and
 * end, a one-call trial), with a fixed clock, compared byte for byte with the files the writer
 * wrote when this test was made ({@code src/test/resources/golden/writer/}). A change in how the
 * writer encodes, however equivalent it looks, must keep every byte.
 *
 * <p>To record the files again after a deliberate change of the format, run this test with
 * {@code -Dtrainscope.golden.record=true} (from the module's folder) and review the diff.
 */
class GoldenBytesTest {
  private static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 125_000_000);
  private static final String RESOURCES = "golden/writer/";
  private static final Path RECORD_TO = Path.of("src/test/resources", RESOURCES);

  @TempDir
  Path dir;

  @Test
  void everyKindOfEvent_writesTheRecordedBytes() throws IOException {
    writeEverything(dir);
    Map<String, byte[]> written = eventFilesByRun(dir);
    assertEquals(List.of("", "1700000000.125000", "loss_train", "loss_val", "trial-2"), List.copyOf(written.keySet()),
        "the runs written");
    for (Path f : eventFiles(dir)) {
      Read.events(f); // well-formed: every record framed and checksummed, every event decodes
    }
    if (Boolean.getBoolean("trainscope.golden.record")) {
      Files.createDirectories(RECORD_TO);
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        Files.write(RECORD_TO.resolve(resourceName(e.getKey())), e.getValue());
      }
    }
    for (Map.Entry<String, byte[]> e : written.entrySet()) {
      String name = resourceName(e.getKey());
      byte[] expected;
      try (InputStream in = GoldenBytesTest.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new AssertionError("no recorded file " + RESOURCES + name);
        }
        expected = in.readAllBytes();
      }
      assertArrayEquals(expected, e.getValue(), "the bytes of run '" + e.getKey() + "' (" + name + ")");
    }
  }

  /** One event file per run, by the run's folder relative to the log directory ("" for the top). */
  private static String resourceName(String run) {
    return (run.isEmpty() ? "main" : run) + ".tfevents";
  }

  private static Map<String, byte[]> eventFilesByRun(Path logdir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (Path f : eventFiles(logdir)) {
      String run = logdir.relativize(f.getParent()).toString().replace('\\', '/');
      if (out.put(run, Files.readAllBytes(f)) != null) {
        throw new AssertionError("more than one event file in run '" + run + "'");
      }
    }
    return out;
  }

  private static List<Path> eventFiles(Path logdir) throws IOException {
    try (Stream<Path> files = Files.walk(logdir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static void writeEverything(Path logdir) {
    try (SummaryWriter w = SummaryWriter.builder(logdir).clock(() -> T0).build()) {
      w.describe("loss", "Loss", "The training loss.", TagMeaning.of(Role.LOSS, Split.TRAIN, "", "", TagMeaning.OVERRIDE));
      w.describe("accuracy", "Accuracy", "Top-1 accuracy on the validation set.");
      // Scalars: the first value of a tag carries its metadata, later ones take the fast path;
      // steps of every varint width (absent at 0, ten bytes when negative), wall times given and not,
      // a wall time of 0 (a field left out), float rounding, NaN and infinities.
      long[] steps = {0, 1, 127, 128, 16_383, 16_384, 1L << 35, Long.MAX_VALUE, -1};
      double[] values = {0.0, -0.0, 1.0 / 3, 1e30, -2.5e-12, Double.NaN, Double.POSITIVE_INFINITY, -7, 1e-45};
      for (int i = 0; i < steps.length; i++) {
        w.scalar("loss", values[i], steps[i]);
        w.scalar("accuracy", 0.5 + i / 100.0, steps[i], 1_700_000_100.0 + i / 8.0);
      }
      w.scalar("zero/wall", 4.0, 3, 0.0);
      w.scalar("zero/wall", 5.0, 4, 0.0);
      String longTag = "a/long/tag/" + "x".repeat(150); // a tag field and value lengths of two-byte varints
      w.scalar(longTag, 1.0, 1);
      w.scalar(longTag, 2.0, 2);
      w.scalar("unicode/Größe/損失", 0.25, 9);
      Map<String, Number> grouped = new LinkedHashMap<>();
      grouped.put("train", 0.9);
      grouped.put("val", 1.1);
      w.scalars("loss", grouped, 10);
      w.scalars("loss", grouped, 11, 1_700_000_200.5);

      double[] normal = new double[1000];
      for (int i = 0; i < normal.length; i++) {
        normal[i] = Math.sin(i * 0.37) * Math.cos(i * 0.011) * 3;
      }
      float[] floats = new float[300];
      for (int i = 0; i < floats.length; i++) {
        floats[i] = (float) (i % 17) - 8.5f;
      }
      w.histogram("weights/doubles", normal, 1);
      w.histogram("weights/doubles", new double[] {1, 1, 1}, 2, 1_700_000_300.0);
      w.histogram("weights/floats", floats, 1);
      w.histogram("weights/buckets", Histogram.builder().bucket(-1, 0, 3).bucket(0, 2, 0.5).build(), 5);

      BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 40; x++) {
          rgb.setRGB(x, y, (x * 6) << 24 | (x * 6) << 16 | (y * 8) << 8 | ((x + y) * 3 & 0xFF));
        }
      }
      w.image("images/argb", rgb, 1);
      float[] chw = new float[3 * 8 * 8];
      for (int i = 0; i < chw.length; i++) {
        chw[i] = (i % 13) / 6.5f - 1;
      }
      w.image("images/chw", chw, 3, 8, 8, Layout.CHW, Denormalize.range(-1, 1), 2);
      w.image("images/hwc", chw, 3, 8, 8, Layout.HWC, Denormalize.meanStd(new float[] {0.5f}, new float[] {0.25f}), 3,
          1_700_000_400.0);
      BufferedImage gray = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
      gray.getRaster().setSample(2, 1, 0, 200);
      w.images("images/grid", List.of(gray, gray, gray), 2, 4);
      w.imagePng("images/png", Images.png(gray), 5);

      float[] clip = new float[2 * 400];
      for (int i = 0; i < 400; i++) {
        clip[2 * i] = (float) Math.sin(i * 0.2);
        clip[2 * i + 1] = (float) Math.cos(i * 0.05) / 2;
      }
      w.audio("audio/stereo", clip, 2, 8000, 1);
      w.audio("audio/stereo", new float[] {0.5f, -0.5f}, 2, 16000, 2, 1_700_000_500.0);

      w.text("notes", "# Run\nlearning rate **0.1**, Größe ✓", 1);
      w.text("notes", "x".repeat(20_000), 2); // a value length of a three-byte varint

      boolean[] labels = new boolean[200];
      float[] predictions = new float[200];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = i % 3 == 0;
        predictions[i] = (i * 37 % 200) / 200f;
      }
      w.prCurve("pr/even", labels, predictions, 11, 1);
      w.prCurve("pr/even", labels, predictions, 11, 2, 1_700_000_600.0);

      SummaryMetadata custom = SummaryMetadata.forPlugin("my_plugin", "cfg".getBytes(StandardCharsets.UTF_8),
          SummaryMetadata.DATA_CLASS_TENSOR);
      w.tensor("raw", TensorProto.ofInt64s(TensorShape.of(2, 2), 1, -2, 3, Long.MIN_VALUE), custom, 5);
      w.tensor("raw", TensorProto.ofContent(DataType.DT_FLOAT, TensorShape.of(2), new byte[8]), custom, 6, 77.0);
      w.tensor("none", TensorProto.scalar(1.5f), null, 7);

      Map<String, AttrValue> conv = new LinkedHashMap<>();
      conv.put("_output_shapes", AttrValue.shapes(List.of(TensorShape.of(-1, 16, 28, 28))));
      conv.put("param_count", new AttrValue.Int(416));
      conv.put("layer", AttrValue.str("conv2d_1"));
      w.graph(new GraphDefProto(List.of(
          new NodeDef("input", "Placeholder", List.of(), "", Map.of()),
          new NodeDef("net/conv2d_1", "Conv2d", List.of("input"), "", conv),
          new NodeDef("output", "Identity", List.of("net/conv2d_1"), "", Map.of())), 0, List.of()));
      w.graph(new GraphDefProto(List.of(new NodeDef("only", "Identity", List.of(), "", Map.of())), 0, List.of()),
          1_700_000_700.0);

      w.hparamsExperiment(
          List.of(HParam.discrete("optimizer", "adam", "sgd"), HParam.interval("lr", 1e-4, 1e-1),
              HParam.of("layers", HParam.Type.FLOAT64).describe("Layers", "hidden layers"),
              HParam.discrete("batch_norm", true, false)),
          List.of(HParamMetric.of("accuracy"), HParamMetric.of("loss")));
      Map<String, Object> hp = new LinkedHashMap<>();
      hp.put("optimizer", "adam");
      hp.put("lr", 0.01);
      hp.put("layers", 3);
      hp.put("batch_norm", true);
      w.hparamsSessionStart(hp, "group-1");
      w.hparamsSessionEnd(SessionStatus.FAILURE);
      w.hparams(Map.of("lr", 0.1), Map.of("hparam/accuracy", 0.75));
      w.hparams(Map.of("lr", 0.2), Map.of("hparam/accuracy", 0.5), "trial-2");
      w.flush();
      w.scalar("after/flush", 1.0, 1);
    }
  }
}
