package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real files from Lightning, tensorboardX and Keras decoded all the way, with totals computed from
 * their contents checked against what the writers must have put there: histogram buckets add up
 * to the recorded count, PR-curve tensors have the shape their plugin data declares and rows that
 * are consistent, images are PNGs of their declared size, hparams sessions name the experiment's
 * hparams. Constants were cross-checked with an independent reader (and TensorBoard's manifests).
 */
class RealFixturesTest {

  /** The one event file directly inside a folder of the repository's fixtures. */
  static Path fixture(String folder) {
    Path dir = TestData.repoTfevents().resolve(folder);
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.getFileName().toString().contains("tfevents")).toList();
      assertEquals(1, files.size(), "one event file in " + dir);
      return files.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Remembers each tag's metadata, which writers may put on the first value only. */
  abstract static class PerTag implements EventHandler {
    final Map<String, SummaryMetadata> metadata = new HashMap<>();
    final List<Problem> problems = new ArrayList<>();

    @Override
    public final void onValue(EventView event, ValueView value) {
      if (value.hasMetadata()) {
        metadata.putIfAbsent(value.tag(), value.metadata());
      }
      value(event, value, metadata.get(value.tag()));
    }

    abstract void value(EventView event, ValueView value, SummaryMetadata md);

    @Override
    public void onProblem(Problem problem) {
      problems.add(problem);
    }
  }

  // ---- a 15,445-event Lightning training log ----

  @Test
  void lightningLstm_trainingLog_totalsComputedFromTheFile() throws IOException {
    Path file = fixture("Text-Generation-With-LSTM/lightning_logs/version_0");
    Map<String, List<double[]>> series = new TreeMap<>();
    Map<EventKind, Long> kinds = new TreeMap<>();
    long[] framedBytes = {0};
    Map<String, HParamsPluginData> hparams = new HashMap<>();
    PerTag handler = new PerTag() {
      @Override
      public void onEvent(EventView e) {
        kinds.merge(e.kind(), 1L, Long::sum);
        framedBytes[0] += TfRecordFormat.framedLength(e.recordLength());
      }

      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        if (v.isScalar()) {
          series.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(new double[] {e.step(), v.scalar()});
        } else if (md != null && md.pluginName().equals(PluginNames.HPARAMS)) {
          hparams.put(v.tag(), HParamsPluginData.parse(md.pluginData().content()));
        }
      }
    };
    ScanResult r = EventScanner.create().scan(file, handler);

    assertEquals(List.of(), handler.problems);
    assertEquals(15_445, r.records());
    assertEquals(Files.size(file), framedBytes[0], "the records tile the file");
    assertEquals(733_246, Files.size(file));
    assertEquals(Map.of(EventKind.FILE_VERSION, 1L, EventKind.SUMMARY, 15_444L), kinds);
    assertEquals(Set.of("epoch", "hp_metric", "train_loss", "val_loss"), series.keySet());

    List<double[]> train = series.get("train_loss");
    assertEquals(7_691, train.size());
    assertEquals(7_691, train.stream().filter(p -> (long) p[0] % 50 == 49).count(), "logged every 50 steps");

    // one validation per epoch: as many val_loss values as distinct epochs, at each epoch's end
    TreeSet<Double> epochs = series.get("epoch").stream().map(p -> p[1]).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(29, epochs.size());
    assertEquals(0.0, epochs.first());
    assertEquals(28.0, epochs.last());
    List<double[]> val = series.get("val_loss");
    assertEquals(epochs.size(), val.size());
    Map<Long, Double> epochAtStep = new HashMap<>();
    series.get("epoch").forEach(p -> epochAtStep.put((long) p[0], p[1]));
    for (int k = 0; k < val.size(); k++) {
      long step = (long) val.get(k)[0];
      assertEquals(13_261 + 13_262L * k, step, "validation " + k);
      assertEquals((double) k, epochAtStep.get(step), "epoch logged with validation " + k);
    }
    double[] best = val.stream().min(java.util.Comparator.comparingDouble(p -> p[1])).orElseThrow();
    assertEquals(251_977, (long) best[0]);
    assertEquals(0.25296473503112793, best[1]);
    assertEquals(18.0, epochAtStep.get((long) best[0]), "best epoch");

    HParamsPluginData.Experiment experiment =
        (HParamsPluginData.Experiment) hparams.get(PluginNames.HPARAMS_EXPERIMENT_TAG).data();
    HParamsPluginData.SessionStartInfo start =
        (HParamsPluginData.SessionStartInfo) hparams.get(PluginNames.HPARAMS_SESSION_START_TAG).data();
    List<String> names = experiment.hparamInfos().stream().map(HParamsPluginData.HParamInfo::name).toList();
    assertEquals(List.of("num_chars", "seq_length", "hidden_units", "num_layers", "lr"), names);
    assertEquals(new TreeSet<>(names), new TreeSet<>(start.hparams().keySet()), "the session names the experiment's hparams");
    Map<String, Object> values = new TreeMap<>();
    start.hparams().forEach((k, v) -> values.put(k, v.toJava()));
    assertEquals(Map.of("num_chars", 29.0, "seq_length", 100.0, "hidden_units", 512.0, "num_layers", 2.0, "lr", 0.001),
        values);
    assertEquals(List.of("hp_metric"), experiment.metricInfos().stream().map(m -> m.name().tag()).toList());
    assertArrayEquals(new double[] {0, -1}, series.get("hp_metric").get(0), "the metric is a scalar tag of the run");
    assertEquals(HParamsPluginData.STATUS_SUCCESS,
        ((HParamsPluginData.SessionEndInfo) hparams.get(PluginNames.HPARAMS_SESSION_END_TAG).data()).status());
  }

  // ---- tensorboardX histograms ----

  @Test
  void tensorboardXHistograms_bucketCountsSumToTheRecordedNum() throws IOException {
    Map<String, List<HistogramProto>> byTag = new LinkedHashMap<>();
    PerTag handler = new PerTag() {
      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        assertEquals(ValueKind.HISTO, v.kind(), v.tag());
        byTag.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(v.histogram());
      }
    };
    EventScanner.create().scan(fixture("gen-tensorboardX/histograms"), handler);
    assertEquals(List.of(), handler.problems);

    long values = 0;
    double totalNum = 0;
    long totalBuckets = 0;
    Map<String, Set<Double>> nums = new TreeMap<>();
    for (Map.Entry<String, List<HistogramProto>> e : byTag.entrySet()) {
      for (HistogramProto h : e.getValue()) {
        String where = e.getKey() + " #" + values;
        double sum = 0;
        for (double c : h.bucket()) {
          sum += c;
        }
        assertEquals(h.num(), sum, where + ": buckets add up to num");
        assertEquals(h.bucket().length, h.bucketLimit().length, where);
        assertTrue(h.min() <= h.max(), where);
        PluginTensors.Buckets b = PluginTensors.histogram(h);
        assertEquals(h.num(), b.total(), where);
        assertEquals(h.min(), b.left()[0], where);
        assertEquals(h.max(), b.right()[b.size() - 1], where);
        nums.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(h.num());
        values++;
        totalNum += h.num();
        totalBuckets += h.bucket().length;
      }
    }
    assertEquals(62, values);
    assertEquals(56_110, totalNum, "20 x 2000 + 20 x 500 + 20 x 300 + 100 + 10 samples");
    assertEquals(12_586, totalBuckets);
    assertEquals(Map.of("normal/moving_mean", Set.of(2000.0), "uniform/auto_bins", Set.of(500.0),
        "ints/fd_bins", Set.of(300.0), "constant", Set.of(100.0), "raw/manual", Set.of(10.0)), nums);
    assertEquals(608, byTag.get("normal/moving_mean").get(0).bucket().length, "first sample, as TensorBoard saw it");
    assertEquals(609, byTag.get("normal/moving_mean").get(19).bucket().length, "last sample");
  }

  // ---- tensorboardX PR curves ----

  @Test
  void tensorboardXPrCurves_tensorShapeComesFromPluginDataAndRowsAreConsistent() throws IOException {
    List<String> seen = new ArrayList<>();
    Map<Long, Set<String>> countsByStep = new TreeMap<>();
    PerTag handler = new PerTag() {
      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        assertNotNull(md, v.tag());
        assertEquals(PluginNames.PR_CURVES, md.pluginName());
        int thresholds = PrCurvePluginData.parse(md.pluginData().content()).numThresholds();
        TensorProto t = v.tensor();
        assertEquals(DataType.DT_FLOAT, t.dataType());
        assertArrayEquals(new long[] {6, thresholds}, t.shape().sizes(), v.tag());
        PluginTensors.PrCurve pr = PluginTensors.prCurve(t);
        double positives = pr.truePositives()[0] + pr.falseNegatives()[0];
        double negatives = pr.falsePositives()[0] + pr.trueNegatives()[0];
        for (int i = 0; i < thresholds; i++) {
          String where = v.tag() + " step " + e.step() + " threshold " + i;
          assertEquals(positives, pr.truePositives()[i] + pr.falseNegatives()[i], where);
          assertEquals(negatives, pr.falsePositives()[i] + pr.trueNegatives()[i], where);
          if (i > 0) {
            assertTrue(pr.truePositives()[i] <= pr.truePositives()[i - 1], where + ": fewer positives as it rises");
          }
          assertEquals(pr.truePositives()[i] / Math.max(positives, 1e-7), pr.recall()[i], 1e-6, where + " recall");
          if (!v.tag().equals("pr/raw")) {
            double predicted = pr.truePositives()[i] + pr.falsePositives()[i];
            assertEquals(pr.truePositives()[i] / Math.max(predicted, 1e-7), pr.precision()[i], 1e-6, where + " precision");
          }
        }
        seen.add(v.tag() + "@" + e.step() + ":" + thresholds);
        if (!v.tag().equals("pr/raw")) {
          countsByStep.computeIfAbsent(e.step(), s -> new TreeSet<>()).add((long) positives + "+" + (long) negatives);
        }
      }
    };
    EventScanner.create().scan(fixture("gen-tensorboardX/pr_curves"), handler);
    assertEquals(List.of(), handler.problems);
    assertEquals(List.of("pr/default@0:127", "pr/thresholds_11@0:11", "pr/default@1:127", "pr/thresholds_11@1:11",
        "pr/default@2:127", "pr/thresholds_11@2:11", "pr/raw@0:3"), seen);
    assertEquals(Map.of(0L, Set.of("90+110"), 1L, Set.of("95+105"), 2L, Set.of("102+98")), countsByStep,
        "both curves of a step come from the same 200 labels");
  }

  // ---- tensorboardX images, audio, text ----

  @Test
  void tensorboardXMedia_imagesArePngsOfTheDeclaredSize_audioIsWavOfTheDeclaredLength() throws IOException {
    List<String> images = new ArrayList<>();
    long[] pixels = {0};
    List<String> audio = new ArrayList<>();
    List<String> text = new ArrayList<>();
    PerTag handler = new PerTag() {
      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        switch (v.kind()) {
          case IMAGE -> {
            assertEquals(PluginNames.IMAGES, md.pluginName());
            ImageProto img = v.image();
            BufferedImage png = decodePng(img.encodedImage(), v.tag());
            assertEquals(img.width(), png.getWidth(), v.tag());
            assertEquals(img.height(), png.getHeight(), v.tag());
            assertEquals(img.colorspace() == 4, png.getColorModel().hasAlpha(), v.tag() + " colorspace " + img.colorspace());
            assertEquals(img.colorspace() == 4 ? 4 : 3, png.getColorModel().getNumComponents(), v.tag());
            pixels[0] += (long) png.getWidth() * png.getHeight();
            images.add(v.tag());
          }
          case AUDIO -> {
            assertEquals(PluginNames.AUDIO, md.pluginName());
            AudioProto a = v.audio();
            ByteBuffer wav = ByteBuffer.wrap(a.encodedAudio()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("RIFF", ascii(a.encodedAudio(), 0));
            assertEquals("WAVE", ascii(a.encodedAudio(), 8));
            assertEquals("data", ascii(a.encodedAudio(), 36));
            int channels = wav.getShort(22);
            int rate = wav.getInt(24);
            int bits = wav.getShort(34);
            int dataBytes = wav.getInt(40);
            assertEquals(a.sampleRate(), rate, 0.0);
            assertEquals(a.numChannels(), channels);
            assertEquals(a.lengthFrames(), dataBytes / (channels * bits / 8));
            assertEquals(a.encodedAudio().length, 44 + dataBytes);
            assertEquals("audio/wav", a.contentType());
            audio.add(v.tag() + "@" + e.step());
          }
          case TENSOR -> {
            assertEquals(PluginNames.TEXT, md.pluginName());
            text.addAll(PluginTensors.text(v.tensor()));
          }
          default -> throw new AssertionError(v.tag() + " " + v.kind());
        }
      }
    };
    EventScanner.create().scan(fixture("gen-tensorboardX/media"), handler);
    assertEquals(List.of(), handler.problems);
    assertEquals(12, images.size());
    assertEquals(3 * (32 * 24 + 20 * 16 + 12 * 10 + 32 * 8), pixels[0]);
    assertEquals(List.of("audio/sine@0", "audio/sine@1", "audio/sine@2"), audio);
    assertEquals(List.of("step 0: hello **markdown** é 🚀", "step 1: hello **markdown** é 🚀",
        "step 2: hello **markdown** é 🚀", "| a | b |\n|---|---|\n| 1 | 2 |"), text);
  }

  static BufferedImage decodePng(byte[] bytes, String what) {
    assertEquals("\u0089PNG", new String(bytes, 0, 4, StandardCharsets.ISO_8859_1), what + " is a PNG");
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
      assertNotNull(img, what + " decodes");
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String ascii(byte[] b, int at) {
    return new String(b, at, 4, StandardCharsets.US_ASCII);
  }

  // ---- tensorboardX hparams ----

  @Test
  void tensorboardXHparams_eachSessionStartNamesTheExperimentsHparams() throws IOException {
    Map<String, Map<String, Object>> trials = new TreeMap<>();
    for (String trial : List.of("trial_0", "trial_1", "trial_2")) {
      Map<String, HParamsPluginData> data = new HashMap<>();
      Map<String, Double> scalars = new HashMap<>();
      PerTag handler = new PerTag() {
        @Override
        void value(EventView e, ValueView v, SummaryMetadata md) {
          if (v.isScalar()) {
            scalars.put(v.tag(), v.scalar());
          } else {
            assertEquals(PluginNames.HPARAMS, md.pluginName());
            data.put(v.tag(), HParamsPluginData.parse(md.pluginData().content()));
          }
        }
      };
      EventScanner.create().scan(fixture("gen-tensorboardX/hparams/" + trial), handler);
      assertEquals(List.of(), handler.problems);

      HParamsPluginData.Experiment experiment =
          (HParamsPluginData.Experiment) data.get(PluginNames.HPARAMS_EXPERIMENT_TAG).data();
      Map<String, Integer> declared = new LinkedHashMap<>();
      experiment.hparamInfos().forEach(h -> declared.put(h.name(), h.type()));
      assertEquals(Map.of("lr", HParamsPluginData.TYPE_FLOAT64, "bsize", HParamsPluginData.TYPE_FLOAT64,
          "optimizer", HParamsPluginData.TYPE_STRING, "use_bn", HParamsPluginData.TYPE_BOOL), declared, trial);
      HParamsPluginData.SessionStartInfo start =
          (HParamsPluginData.SessionStartInfo) data.get(PluginNames.HPARAMS_SESSION_START_TAG).data();
      assertEquals(declared.keySet(), start.hparams().keySet(), trial);
      for (Map.Entry<String, ProtoValue> h : start.hparams().entrySet()) {
        Class<?> expected = switch (declared.get(h.getKey())) {
          case HParamsPluginData.TYPE_FLOAT64 -> ProtoValue.Number.class;
          case HParamsPluginData.TYPE_STRING -> ProtoValue.Text.class;
          default -> ProtoValue.Bool.class;
        };
        assertEquals(expected, h.getValue().getClass(), trial + " " + h.getKey());
      }
      for (HParamsPluginData.MetricInfo m : experiment.metricInfos()) {
        assertTrue(scalars.containsKey(m.name().tag()), trial + ": metric " + m.name().tag() + " logged as a scalar");
      }
      assertEquals(Set.of("hparam/accuracy", "hparam/loss"), scalars.keySet());
      assertEquals(HParamsPluginData.STATUS_SUCCESS,
          ((HParamsPluginData.SessionEndInfo) data.get(PluginNames.HPARAMS_SESSION_END_TAG).data()).status());
      Map<String, Object> values = new TreeMap<>();
      start.hparams().forEach((k, v) -> values.put(k, v.toJava()));
      values.put("=accuracy", scalars.get("hparam/accuracy"));
      trials.put(trial, values);
    }
    assertEquals(Map.of(
        "trial_0", Map.of("lr", 0.1, "bsize", 32.0, "optimizer", "sgd", "use_bn", false, "=accuracy", 0.5),
        "trial_1", Map.of("lr", 0.01, "bsize", 64.0, "optimizer", "adam", "use_bn", true, "=accuracy", (double) 0.6f),
        "trial_2", Map.of("lr", 0.001, "bsize", 128.0, "optimizer", "adam", "use_bn", false, "=accuracy", (double) 0.7f)),
        trials);
  }

  // ---- Keras (TF2) tensor-style histograms and images, from ../shared ----

  @Test
  void kerasTensorStyle_histogramTotalsMatchTheWeightImages() throws IOException {
    Path shared = TestData.sharedTfevents();
    Assumptions.assumeTrue(shared != null,
        "SKIPPED: ../shared/data/tfevents is absent, so Keras tensor-style histograms and images were not checked");
    Path dir = shared.resolve("keras-tf2-TensorBoard-Tutorial/archive/experiments/Exp_0_adam_200_0.2/train");
    Path file = TestData.eventFiles(dir).get(0);
    Map<String, Set<Double>> histogramTotals = new TreeMap<>();
    Map<String, Set<Long>> imageAreas = new TreeMap<>();
    long[] counts = {0, 0};
    PerTag handler = new PerTag() {
      @Override
      void value(EventView e, ValueView v, SummaryMetadata md) {
        String plugin = md == null ? "" : md.pluginName();
        if (plugin.equals(PluginNames.HISTOGRAMS)) {
          TensorProto t = v.tensor();
          assertEquals(DataType.DT_DOUBLE, t.dataType());
          assertEquals(3, t.shape().size(1));
          PluginTensors.Buckets b = PluginTensors.histogram(t);
          assertEquals(t.shape().size(0), b.size());
          for (int i = 0; i < b.size(); i++) {
            assertTrue(b.left()[i] <= b.right()[i], v.tag() + " bucket " + i);
          }
          histogramTotals.computeIfAbsent(v.tag().replace("/histogram", ""), k -> new TreeSet<>()).add(b.total());
          counts[0]++;
        } else if (plugin.equals(PluginNames.IMAGES)) {
          PluginTensors.Images img = PluginTensors.images(v.tensor());
          assertEquals(1, img.encoded().size());
          BufferedImage png = decodePng(img.encoded().get(0), v.tag());
          assertEquals(img.width(), png.getWidth(), v.tag());
          assertEquals(img.height(), png.getHeight(), v.tag());
          imageAreas.computeIfAbsent(v.tag().replace("/image", ""), k -> new TreeSet<>())
              .add((long) img.width() * img.height());
          counts[1]++;
        }
      }
    };
    EventScanner.create().scan(file, handler);
    assertEquals(List.of(), handler.problems);
    assertEquals(40, counts[0]);
    assertEquals(40, counts[1]);
    // a layer's weight histogram counts every weight; its image shows the same weights
    assertEquals(Map.of("dense/kernel_0", Set.of(156_800.0), "dense/bias_0", Set.of(200.0),
        "dense_1/kernel_0", Set.of(2_000.0), "dense_1/bias_0", Set.of(10.0)), histogramTotals);
    Map<String, Set<Double>> areas = new TreeMap<>();
    imageAreas.forEach((k, v) -> areas.put(k, v.stream().map(Long::doubleValue).collect(Collectors.toSet())));
    assertEquals(histogramTotals, areas);
    assertFalse(histogramTotals.isEmpty());
  }
}
