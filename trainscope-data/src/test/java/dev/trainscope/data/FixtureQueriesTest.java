package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.wire.ProtoReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries over the real fixtures, with totals computed from the files: by a second reading of the
 * same bytes ({@link Reference}) and from the manifests TensorBoard's own loader wrote.
 */
class FixtureQueriesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES = RunViewTest.repoTfevents();
  private static final String LIGHTNING_DIR = "Text-Generation-With-LSTM/lightning_logs/version_0";
  private static final String LIGHTNING_FILE = "events.out.tfevents.1716735746.99c8c45923de.3769.0";

  private static RunStore gen;
  private static RunStore lightning;

  @BeforeAll
  static void load() throws InterruptedException {
    gen = open(FIXTURES.resolve("gen-tensorboardX"));
    lightning = open(FIXTURES.resolve("Text-Generation-With-LSTM"));
  }

  @AfterAll
  static void close() {
    gen.close();
    lightning.close();
  }

  static RunStore open(Path dir) throws InterruptedException {
    RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
    store.reload();
    return store;
  }

  static JsonNode manifest(Path eventFile) throws IOException {
    String name = eventFile.getFileName().toString().replace("tfevents", "tfmanifest") + ".json";
    return JSON.readTree(eventFile.resolveSibling(name).toFile());
  }

  static JsonNode rawTag(Path eventFile, String tag) throws IOException {
    return manifest(eventFile).get("raw").get("tags").get(tag);
  }

  static Path only(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.getFileName().toString().contains("tfevents")).toList();
      assertEquals(1, files.size(), dir.toString());
      return files.get(0);
    }
  }

  /** Every point of a tag, fetched in pages of {@code page}. */
  static List<double[]> pages(RunStore store, String run, String tag, int page) {
    List<double[]> out = new ArrayList<>();
    long from = Long.MIN_VALUE;
    while (true) {
      ScalarPoints p = store.scalars(run, tag, from, Long.MAX_VALUE, page);
      assertTrue(p.size() <= page);
      for (int i = 0; i < p.size(); i++) {
        out.add(new double[] {p.steps()[i], p.wallTimes()[i], p.values()[i]});
      }
      if (!p.more()) {
        return out;
      }
      assertEquals(page, p.size(), "a page before more is full");
      assertTrue(p.nextStep() > p.steps()[p.size() - 1]);
      from = p.nextStep();
    }
  }

  // ---- scalars ----

  @Test
  void scalars_lightningFilePagedExactly_matchesManifestAndSecondReading() throws IOException {
    Path file = FIXTURES.resolve(LIGHTNING_DIR).resolve(LIGHTNING_FILE);
    String run = "lightning_logs/version_0";
    JsonNode raw = manifest(file).get("raw");
    assertEquals(raw.get("num_events").asLong(), lightning.run(run).events());
    Reference ref = Reference.of(List.of(file));
    assertEquals(raw.get("num_events").asLong(), ref.events);
    for (String tag : List.of("train_loss", "epoch", "val_loss", "hp_metric")) {
      JsonNode m = raw.get("tags").get(tag);
      List<double[]> points = pages(lightning, run, tag, 1000);
      TagInfo info = lightning.tag(run, tag);
      assertEquals(m.get("count").asLong(), info.count() + info.droppedByRestart() + info.rewrittenAtStep(),
          tag + ": values in the file");
      assertEquals(m.get("distinct_step_count").asLong(), points.size(), tag + ": one point per step");
      assertEquals(points.size(), info.count());
      // every point, bit for bit, against the second reading
      TreeMap<Long, double[]> expected = ref.scalars.get(tag);
      assertEquals(expected.size(), points.size(), tag);
      Iterator<Map.Entry<Long, double[]>> it = expected.entrySet().iterator();
      for (double[] p : points) {
        Map.Entry<Long, double[]> e = it.next();
        assertEquals((long) e.getKey(), (long) p[0], tag);
        assertEquals(Double.doubleToRawLongBits(e.getValue()[0]), Double.doubleToRawLongBits(p[1]), tag + " wall at " + e.getKey());
        assertEquals(Double.doubleToRawLongBits(e.getValue()[1]), Double.doubleToRawLongBits(p[2]), tag + " value at " + e.getKey());
      }
      if (m.get("count").asLong() == m.get("distinct_step_count").asLong()) {
        assertEquals(m.get("scalars_first3").toString(), pairs(points.subList(0, Math.min(3, points.size()))), tag);
        assertEquals(m.get("scalars_last3").toString(), pairs(points.subList(Math.max(0, points.size() - 3), points.size())), tag);
        BigDecimal sum = BigDecimal.ZERO;
        for (double[] p : points) {
          sum = sum.add(new BigDecimal(p[2]));
        }
        assertEquals(m.get("scalar_sum").asDouble(), sum.doubleValue(), Math.abs(sum.doubleValue()) * 1e-15, tag + " sum");
      }
    }
    assertEquals(7691, lightning.tag(run, "train_loss").count());
    assertEquals(1, lightning.tag(run, "epoch").rewrittenAtStep(), "epoch logs one step twice");
    assertEquals(0, lightning.tag(run, "epoch").droppedByRestart(), "which is no restart");
  }

  private static String pairs(List<double[]> points) {
    return points.stream().map(p -> "[" + (long) p[0] + "," + p[2] + "]").collect(Collectors.joining(",", "[", "]"));
  }

  @Test
  void scalarBuckets_lightningTrainLoss_holdEveryPointOnceAndKeepMinMax() {
    String run = "lightning_logs/version_0";
    List<double[]> points = pages(lightning, run, "train_loss", 100_000);
    for (int n : new int[] {1, 7, 100, 640, 7691, 100_000}) {
      ScalarBuckets b = lightning.scalarBuckets(run, "train_loss", Long.MIN_VALUE, Long.MAX_VALUE, n);
      checkBuckets(b, points, n);
    }
    // a window in the middle, not aligned with anything
    long from = (long) points.get(1234)[0] - 7;
    long to = (long) points.get(5678)[0] + 3;
    List<double[]> window = points.stream().filter(p -> p[0] >= from && p[0] <= to).toList();
    checkBuckets(lightning.scalarBuckets(run, "train_loss", from, to, 333), window, 333);
  }

  private static void checkBuckets(ScalarBuckets b, List<double[]> points, int n) {
    assertTrue(b.size() <= n);
    long total = 0;
    int at = 0;
    for (int i = 0; i < b.size(); i++) {
      assertTrue(i == 0 || b.firstStep()[i] > b.lastStep()[i - 1], "buckets in order, disjoint");
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      int first = at;
      while (at < points.size() && points.get(at)[0] <= b.lastStep()[i]) {
        assertTrue(points.get(at)[0] >= b.firstStep()[i], "point at step " + points.get(at)[0] + " between buckets");
        min = Math.min(min, points.get(at)[2]);
        max = Math.max(max, points.get(at)[2]);
        sum += points.get(at)[2];
        at++;
      }
      int count = at - first;
      assertEquals(count, b.count()[i], "bucket " + i + " of " + n);
      assertEquals(points.get(first)[0], b.firstStep()[i]);
      assertEquals(min, b.min()[i], "bucket " + i + " min");
      assertEquals(max, b.max()[i], "bucket " + i + " max");
      assertEquals(points.get(first)[2], b.first()[i]);
      assertEquals(points.get(at - 1)[2], b.last()[i]);
      assertEquals(points.get(first)[1], b.firstWallTime()[i]);
      assertEquals(points.get(at - 1)[1], b.lastWallTime()[i]);
      assertEquals(sum / count, b.mean()[i], Math.abs(sum / count) * 1e-12);
      total += b.count()[i];
    }
    assertEquals(points.size(), total, "every point in exactly one bucket (n=" + n + ")");
    assertEquals(points.size(), at);
  }

  @Test
  void scalars_specialValuesAndSteps_comeBackAsWritten() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/scalars"));
    JsonNode tags = manifest(file).get("raw").get("tags");
    ScalarPoints nan = gen.scalars("scalars", "special/nan", Long.MIN_VALUE, Long.MAX_VALUE, 10);
    assertTrue(Double.isNaN(nan.values()[0]));
    assertEquals(Double.POSITIVE_INFINITY, gen.scalars("scalars", "special/pos_inf", 0, 10, 10).values()[0]);
    assertEquals(tags.get("special/big_step").get("max_step").asLong(), gen.tag("scalars", "special/big_step").lastStep());
    assertEquals(tags.get("special/negative_step").get("min_step").asLong(), gen.tag("scalars", "special/negative_step").firstStep());
    assertEquals(tags.get("unicode/überschrift_損失").get("count").asLong(), gen.tag("scalars", "unicode/überschrift_損失").count());
    assertEquals(tags.get("loss/train").get("count").asLong(), gen.tag("scalars", "loss/train").count());
    ScalarBuckets b = gen.scalarBuckets("scalars", "special/nan", Long.MIN_VALUE, Long.MAX_VALUE, 10);
    assertEquals(1, b.nan()[0]);
    assertTrue(Double.isNaN(b.min()[0]), "no finite value: min is NaN, not +Infinity");
  }

  // ---- histograms ----

  @Test
  void histograms_tensorboardXLegacyHistograms_equalSecondReadingAndCountsSumToNum() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/histograms"));
    Reference ref = Reference.of(List.of(file));
    assertEquals(5, ref.histograms.size());
    for (Map.Entry<String, TreeMap<Long, double[][]>> e : ref.histograms.entrySet()) {
      String tag = e.getKey();
      List<HistogramStep> hs = gen.histograms("histograms", tag);
      assertEquals(e.getValue().size(), hs.size(), tag);
      JsonNode m = rawTag(file, tag);
      assertEquals(m.get("count").asInt(), hs.size(), tag);
      int i = 0;
      for (Map.Entry<Long, double[][]> x : e.getValue().entrySet()) {
        HistogramStep h = hs.get(i++);
        assertEquals((long) x.getKey(), h.step());
        assertEquals(x.getValue()[0][0], h.wallTime());
        assertArrayEquals(x.getValue()[1], h.left(), tag + " lefts at " + h.step());
        assertArrayEquals(x.getValue()[2], h.right(), tag + " rights at " + h.step());
        assertArrayEquals(x.getValue()[3], h.count(), tag + " counts at " + h.step());
        assertEquals(x.getValue()[4][0], Arrays.stream(h.count()).sum(), tag + ": the counts add up to num at " + h.step());
        assertFalse(h.reread());
      }
      HistogramStep first = hs.get(0);
      HistogramStep last = hs.get(hs.size() - 1);
      assertEquals(m.get("first_sample").get("num").asDouble(), Arrays.stream(first.count()).sum(), tag + " first num");
      assertEquals(m.get("last_sample").get("num").asDouble(), Arrays.stream(last.count()).sum(), tag + " last num");
      assertEquals(m.get("first_sample").get("bucket_len").asInt(), first.buckets(), tag);
      assertEquals(m.get("last_sample").get("bucket_len").asInt(), last.buckets(), tag);
      assertEquals(m.get("first_sample").get("min").asDouble(), first.left()[0], tag + " starts at min");
      assertEquals(m.get("first_sample").get("max").asDouble(), first.right()[first.buckets() - 1], tag + " ends at max");
    }
    List<HistogramStep> range = gen.histograms("histograms", "uniform/auto_bins", 100, 500);
    assertTrue(range.stream().allMatch(h -> h.step() >= 100 && h.step() <= 500));
    assertEquals(ref.histograms.get("uniform/auto_bins").subMap(100L, true, 500L, true).size(), range.size());
  }

  @Test
  void distributions_constantHistogram_isTheConstantAtEveryBasisPoint() {
    DistributionStep d = gen.distributions("histograms", "constant").get(0);
    assertArrayEquals(new double[] {3, 3, 3, 3, 3, 3, 3, 3, 3}, d.values());
  }

  // ---- custom scalars ----

  @Test
  void customScalars_tensorboardXLayout_isItsOwnKind_andReadAsLogged() {
    TagInfo config = gen.tag("custom_scalars_mesh", "custom_scalars__config__");
    assertEquals(TagKind.CUSTOM_SCALARS, config.kind(), "no longer a generic tensor");
    assertEquals("custom_scalars", config.plugin());
    ScalarLayout layout = gen.customScalars();
    assertEquals(List.of("custom_scalars_mesh"), layout.runs());
    assertEquals(Map.of(), layout.unreadable());
    assertEquals(List.of(new ScalarLayout.Category("Group A", false, List.of(
        new ScalarLayout.Chart("losses", false, List.of("loss/train", "loss/val"), List.of()),
        new ScalarLayout.Chart("margin", true, List.of(), List.of(new ScalarLayout.MarginSeries("m/mid", "m/lo", "m/hi")))))),
        layout.categories());
    // the margin chart's tags are scalars of the same run
    for (String tag : List.of("m/mid", "m/lo", "m/hi")) {
      assertEquals(TagKind.SCALAR, gen.tag("custom_scalars_mesh", tag).kind(), tag);
    }
  }

  // ---- images, audio, text ----

  @Test
  void images_legacyImages_haveSizeFromTheFileAndDecodeToIt() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/media"));
    for (String tag : List.of("image/rgb_chw_uint8", "image/gray_hw_float", "image/rgba_hwc_float", "images/batch_nchw")) {
      JsonNode m = rawTag(file, tag);
      List<BlobInfo> blobs = gen.blobs("media", tag);
      assertEquals(m.get("count").asInt(), blobs.size(), tag);
      assertEquals(TagKind.IMAGE, gen.tag("media", tag).kind());
      for (BlobInfo b : blobs) {
        assertEquals(1, b.count());
        assertEquals(m.get("first_sample").get("width").asInt(), b.width(), tag);
        assertEquals(m.get("first_sample").get("height").asInt(), b.height(), tag);
        assertEquals("image/png", b.contentType());
        byte[] png = gen.blob("media", tag, b.step(), 0);
        assertTrue(b.bytes() > png.length, "the payload holds the image and its header");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(b.width(), img.getWidth(), tag + " step " + b.step());
        assertEquals(b.height(), img.getHeight(), tag + " step " + b.step());
      }
      assertEquals(m.get("first_sample").get("encoded_len").asInt(), gen.blob("media", tag, blobs.get(0).step(), 0).length);
      assertEquals(m.get("last_sample").get("encoded_len").asInt(),
          gen.blob("media", tag, blobs.get(blobs.size() - 1).step(), 0).length);
    }
  }

  @Test
  void images_tensorStyleBatch_givesEachImage(@TempDir Path dir) throws Exception {
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF};
    List<byte[]> pngs = new ArrayList<>();
    for (int c : colours) {
      pngs.add(TestEvents.png(5, 3, c));
    }
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)),
        TestEvents.tensorImages("batch", 7, 5, 3, pngs), TestEvents.tensorImages("batch", 8, 5, 3, pngs.subList(0, 1)));
    try (RunStore store = open(dir)) {
      List<BlobInfo> blobs = store.blobs("run", "batch");
      assertEquals(List.of(new BlobInfo(7, TestEvents.WALL0 + 7, 3, 5, 3, "image/png", blobs.get(0).bytes()),
          new BlobInfo(8, TestEvents.WALL0 + 8, 1, 5, 3, "image/png", blobs.get(1).bytes())), blobs);
      for (int i = 0; i < colours.length; i++) {
        byte[] png = store.blob("run", "batch", 7, i);
        assertArrayEquals(pngs.get(i), png, "image " + i);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(5, img.getWidth());
        assertEquals(3, img.getHeight());
        assertEquals(colours[i], img.getRGB(4, 2) & 0xFFFFFF, "image " + i + " is the " + i + "-th of the batch");
      }
    }
  }

  @Test
  void images_kerasTensorImages_decodeToTheirDeclaredSize() throws Exception {
    Path shared = RunViewTest.sharedTfevents();
    Assumptions.assumeTrue(shared != null, "SKIPPED: ../shared/data/tfevents is absent; Keras images not checked");
    Path dir = shared.resolve("keras-tf2-TensorBoard-Tutorial/archive/logs/MNIST-extra-metrics1690486849");
    Path file = only(dir.resolve("train"));
    try (RunStore store = open(dir)) {
      for (String tag : List.of("dense/kernel_0/image", "dense/bias_0/image", "dense_1/kernel_0/image")) {
        JsonNode m = rawTag(file, tag);
        List<BlobInfo> blobs = store.blobs("train", tag);
        assertEquals(m.get("count").asInt(), blobs.size());
        for (BlobInfo b : blobs) {
          assertEquals(1, b.count());
          byte[] png = store.blob("train", tag, b.step(), 0);
          BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
          assertEquals(b.width(), img.getWidth(), tag);
          assertEquals(b.height(), img.getHeight(), tag);
        }
        assertEquals(m.get("first_sample").get("first_string").asText(), Integer.toString(blobs.get(0).width()));
        assertEquals(m.get("first_sample").get("string_lengths").get(2).asInt(), store.blob("train", tag, blobs.get(0).step(), 0).length);
      }
      byte[] keras = store.blob("train", "keras", 0, 0);
      assertTrue(new String(keras, StandardCharsets.UTF_8).startsWith("{\"class_name\": \"Sequential\""));
      assertEquals(34656, store.blob("train", "__run_graph__", 0, 0).length);
      assertEquals(172, graphNodes(store.blob("train", "__run_graph__", 0, 0)).size());
    }
  }

  @Test
  void audio_wavClips_comeBackWithRiffHeaderAndManifestLength() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/media"));
    JsonNode m = rawTag(file, "audio/sine");
    List<BlobInfo> blobs = gen.blobs("media", "audio/sine");
    assertEquals(3, blobs.size());
    for (BlobInfo b : blobs) {
      assertEquals("audio/wav", b.contentType());
      assertEquals(1, b.count());
      byte[] wav = gen.blob("media", "audio/sine", b.step(), 0);
      assertEquals(m.get("first_sample").get("encoded_len").asInt(), wav.length);
      assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
      assertEquals("WAVE", new String(wav, 8, 4, StandardCharsets.US_ASCII));
      int riffSize = (wav[4] & 0xFF) | (wav[5] & 0xFF) << 8 | (wav[6] & 0xFF) << 16 | (wav[7] & 0xFF) << 24;
      assertEquals(wav.length - 8, riffSize, "the RIFF size covers the whole clip");
      List<AudioClip> clips = gen.audio("media", "audio/sine", b.step());
      JsonNode sample = m.get("first_sample");
      assertEquals(List.of(new AudioClip(0, "audio/wav", sample.get("sample_rate").asDouble(),
          sample.get("num_channels").asInt(), sample.get("length_frames").asLong(), "")), clips);
      assertEquals(0.25, clips.get(0).seconds(), "2000 frames at 8 kHz");
    }
    assertThrows(NoSuchTagException.class, () -> gen.audio("media", "audio/sine", 99));
    assertThrows(NoSuchTagException.class, () -> gen.audio("media", "image/rgb_chw_uint8", 0));
  }

  @Test
  void audioClip_wavHeader_lengthFromTheDataChunk_unknownSizesCountWhatIsThere() {
    byte[] wav = wav(44_100, 2, 16, 4 * 10, 4 * 10);
    assertEquals(new AudioClip.Wav(44_100, 2, 10), AudioClip.Wav.read(wav));
    assertEquals(new AudioClip.Wav(44_100, 2, 10), AudioClip.Wav.read(wav(44_100, 2, 16, 0, 40)), "size 0: streamed");
    assertEquals(new AudioClip.Wav(44_100, 2, 10), AudioClip.Wav.read(wav(44_100, 2, 16, 0xFFFF_FFFFL, 40)));
    assertEquals(new AudioClip.Wav(8_000, 1, 3), AudioClip.Wav.read(wav(8_000, 1, 16, 100, 6)), "cut short");
    assertNull(AudioClip.Wav.read(new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'}), "no chunks");
    assertNull(AudioClip.Wav.read("ID3 an mp3".getBytes(StandardCharsets.US_ASCII)));
  }

  /** A 16-bit PCM WAV with a LIST chunk of odd length (padded) before fmt, declaring a data size of its own. */
  private static byte[] wav(int rate, int channels, int bits, long declared, int dataBytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 8 + 3 + 1 + 8 + 16 + 8 + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(3).put(new byte[] {1, 2, 3, 0});
    int block = channels * bits / 8;
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) channels)
        .putInt(rate).putInt(rate * block).putShort((short) block).putShort((short) bits);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) declared);
    return b.array();
  }

  @Test
  void text_markdownAndEmoji_comeBackExactly() {
    List<TextStep> plain = gen.text("media", "text/plain/text_summary");
    assertEquals(List.of(0L, 1L, 2L), plain.stream().map(TextStep::step).toList());
    for (TextStep t : plain) {
      assertEquals(List.of("step " + t.step() + ": hello **markdown** é \uD83D\uDE80"), t.text());
    }
    assertEquals(List.of("| a | b |\n|---|---|\n| 1 | 2 |"), gen.text("media", "text/table/text_summary").get(0).text());
  }

  @Test
  void synthetic_graphAudioAndTensorScalars_comeBackExactly(@TempDir Path dir) throws Exception {
    byte[] graph = new byte[3000];
    new java.util.Random(5).nextBytes(graph);
    byte[] wav = new byte[777];
    new java.util.Random(6).nextBytes(wav);
    System.arraycopy("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, wav, 0, 4);
    System.arraycopy("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, wav, 8, 4);
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), TestEvents.graph(0, graph),
        TestEvents.audio("clip", 3, wav), TestEvents.tensorScalar("t", 1, 0.1f), TestEvents.tensorScalar("t", 2, Float.NaN),
        TestEvents.tensorScalar("t", 3, -0f));
    try (RunStore store = open(dir)) {
      assertTrue(store.run("run").hasGraph());
      assertArrayEquals(graph, store.blob("run", "__run_graph__", 0, 0));
      BlobInfo clip = store.blobs("run", "clip").get(0);
      assertEquals("audio/wav", clip.contentType());
      assertArrayEquals(wav, store.blob("run", "clip", 3, 0));
      TagInfo t = store.tag("run", "t");
      assertEquals(TagKind.SCALAR, t.kind());
      assertEquals("scalars", t.plugin());
      double[] v = store.scalars("run", "t", 0, 9, 9).values();
      assertEquals((double) 0.1f, v[0]);
      assertTrue(Double.isNaN(v[1]));
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v[2]), "negative zero kept");
    }
  }

  // ---- PR curves ----

  @Test
  void prCurves_tensorboardX_haveTheirThresholdsAndTheFilesValues() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/pr_curves"));
    Map<String, List<double[]>> tensors = new TreeMap<>();
    Map<String, List<Long>> steps = new TreeMap<>();
    RecordScanner.create().scan(file, ScanPosition.START, (offset, buf, off, len) -> {
      Event e = Event.parse(Arrays.copyOfRange(buf, off, off + len));
      if (e.summary() != null) {
        for (SummaryValue v : e.summary().values()) {
          tensors.computeIfAbsent(v.tag(), k -> new ArrayList<>()).add(((TensorProto) v.value()).toDoubleArray());
          steps.computeIfAbsent(v.tag(), k -> new ArrayList<>()).add(e.step());
        }
      }
    }, p -> {});
    Map<String, Integer> thresholds = Map.of("pr/default", 127, "pr/thresholds_11", 11, "pr/raw", 3);
    for (Map.Entry<String, Integer> t : thresholds.entrySet()) {
      List<PrCurveStep> curves = gen.prCurves("pr_curves", t.getKey());
      JsonNode m = rawTag(file, t.getKey());
      assertEquals(m.get("count").asInt(), curves.size());
      assertEquals(steps.get(t.getKey()), curves.stream().map(PrCurveStep::step).toList());
      for (int i = 0; i < curves.size(); i++) {
        PrCurveStep c = curves.get(i);
        assertEquals(t.getValue(), c.thresholds(), t.getKey());
        double[] all = Stream.of(c.truePositives(), c.falsePositives(), c.trueNegatives(), c.falseNegatives(),
            c.precision(), c.recall()).flatMapToDouble(Arrays::stream).toArray();
        assertArrayEquals(tensors.get(t.getKey()).get(i), all, t.getKey() + " step " + c.step());
      }
      PrCurveStep c0 = curves.get(0);
      double max = Stream.of(c0.truePositives(), c0.falsePositives(), c0.trueNegatives(), c0.falseNegatives())
          .flatMapToDouble(Arrays::stream).max().orElseThrow();
      assertEquals(m.get("first_sample").get("max").asDouble(), max, "the largest count of the first curve");
      assertEquals(c0.truePositives()[0] + c0.falseNegatives()[0], c0.truePositives()[1] + c0.falseNegatives()[1],
          "positives are the same at every threshold");
    }
  }

  // ---- hparams, graphs ----

  @Test
  void hparams_tensorboardXTrials_areRowsWithValuesAndMetrics() {
    HParamsTable t = gen.hparams();
    assertEquals(List.of("lr", "bsize", "optimizer", "use_bn"), t.hparams());
    assertEquals(List.of("hparam/accuracy", "hparam/loss"), t.metrics());
    assertEquals(List.of("hparams/trial_0", "hparams/trial_1", "hparams/trial_2"),
        t.rows().stream().map(HParamsTable.Row::run).toList());
    HParamsTable.Row r0 = t.rows().get(0);
    assertEquals(Map.of("lr", 0.1, "bsize", 32.0, "optimizer", "sgd", "use_bn", false), r0.values());
    assertEquals(Map.of("hparam/accuracy", 0.5, "hparam/loss", 1.0), r0.metrics());
    HParamsTable.Row r1 = t.rows().get(1);
    assertEquals(Map.of("lr", 0.01, "bsize", 64.0, "optimizer", "adam", "use_bn", true), r1.values());
    assertEquals(Map.of("hparam/accuracy", (double) 0.6f, "hparam/loss", 0.5), r1.metrics());
    HParamsTable.Row r2 = t.rows().get(2);
    assertEquals(Map.of("lr", 0.001, "bsize", 128.0, "optimizer", "adam", "use_bn", false), r2.values());
    assertEquals(Map.of("hparam/accuracy", (double) 0.7f, "hparam/loss", (double) (1f / 3f)), r2.metrics());
    for (HParamsTable.Row r : t.rows()) {
      assertEquals("STATUS_SUCCESS", r.status());
    }
  }

  @Test
  void hparams_lightning_oneRowWithTheTrainingsHyperparameters() {
    HParamsTable t = lightning.hparams();
    assertEquals(List.of("num_chars", "seq_length", "hidden_units", "num_layers", "lr"), t.hparams());
    // Lightning's experiment names only its placeholder hp_metric: the losses it logged are the metrics
    assertEquals(List.of("hp_metric", "train_loss", "val_loss"), t.metrics());
    assertEquals(1, t.rows().size());
    HParamsTable.Row r = t.rows().get(0);
    assertEquals("lightning_logs/version_0", r.run());
    assertEquals(Map.of("num_chars", 29.0, "seq_length", 100.0, "hidden_units", 512.0, "num_layers", 2.0, "lr", 0.001),
        r.values());
    assertEquals(List.of("hp_metric", "train_loss", "val_loss"), List.copyOf(r.metrics().keySet()));
    assertEquals(-1.0, r.metrics().get("hp_metric"));
    assertEquals(r.stats().get("val_loss").last(), r.metrics().get("val_loss"));
    assertTrue(r.stats().get("val_loss").min() < r.stats().get("val_loss").max());
  }

  @Test
  void hparams_severalExperimentsInOneLogdir_eachSessionHasItsOwnExperimentsMetrics() throws Exception {
    // tensorboardX trials and a Lightning version side by side: each logged its own experiment
    try (RunStore both = open(FIXTURES)) {
      HParamsTable t = both.hparams();
      assertTrue(t.metrics().containsAll(List.of("hp_metric", "hparam/accuracy", "hparam/loss")), t.metrics().toString());
      assertTrue(t.hparams().containsAll(List.of("lr", "bsize", "optimizer", "use_bn", "num_chars", "hidden_units")),
          t.hparams().toString());
      Map<String, HParamsTable.Row> byRun = new java.util.HashMap<>();
      t.rows().forEach(r -> byRun.put(r.run(), r));
      assertEquals(Map.of("hparam/accuracy", (double) 0.6f, "hparam/loss", 0.5),
          byRun.get("gen-tensorboardX/hparams/trial_1").metrics());
      assertEquals(List.of("hp_metric", "train_loss", "val_loss"),
          List.copyOf(byRun.get("Text-Generation-With-LSTM/lightning_logs/version_0").metrics().keySet()));
    }
  }

  @Test
  void hparams_aSessionBelongsToTheExperimentInItsRunOrTheNearestFolderAbove() {
    HParamsPluginData.Experiment root = new HParamsPluginData.Experiment("root", "", "", 0, List.of(), List.of());
    HParamsPluginData.Experiment a = new HParamsPluginData.Experiment("a", "", "", 0, List.of(), List.of());
    Map<String, HParamsPluginData.Experiment> both = Map.of(".", root, "a", a);
    assertSame(a, HParamsJoin.experimentOf("a/run-1/train", both));
    assertSame(a, HParamsJoin.experimentOf("a", both));
    assertSame(root, HParamsJoin.experimentOf("b/run-1", both));
    assertSame(root, HParamsJoin.experimentOf(".", both));
    // with no experiment above, the only one of the log directory, if there is only one
    assertSame(a, HParamsJoin.experimentOf("b/run-1", Map.of("a", a)));
    assertNull(HParamsJoin.experimentOf("c", Map.of("a", a, "b", root)));
  }

  @Test
  void graphs_runGraph_isTheGraphDefOfTheManifestsSize() throws IOException {
    Path file = only(FIXTURES.resolve("gen-tensorboardX/graph"));
    JsonNode g = manifest(file).get("raw").get("graph_defs").get(0);
    assertTrue(gen.run("graph").hasGraph());
    TagInfo tag = gen.tag("graph", "__run_graph__");
    assertEquals(TagKind.GRAPH, tag.kind());
    List<BlobInfo> blobs = gen.blobs("graph", "__run_graph__");
    assertEquals(1, blobs.size());
    byte[] graph = gen.blob("graph", "__run_graph__", blobs.get(0).step(), 0);
    assertEquals(g.get("bytes").asInt(), graph.length);
    List<String[]> nodes = graphNodes(graph);
    assertEquals(g.get("num_nodes").asInt(), nodes.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(g.get("first_nodes").get(i).get(0).asText(), nodes.get(i)[0]);
      assertEquals(g.get("first_nodes").get(i).get(1).asText(), nodes.get(i)[1]);
    }
    JsonNode md = manifest(file).get("raw").get("tagged_run_metadata").get(0);
    assertEquals(TagKind.RUN_METADATA, gen.tag("graph", md.get("tag").asText()).kind());
    assertEquals(md.get("bytes").asInt(), gen.blob("graph", md.get("tag").asText(), md.get("step").asLong(), 0).length);
  }

  /** (name, op) of each node of a GraphDef: {@code GraphDef { repeated NodeDef node = 1; }}, {@code NodeDef { name = 1; op = 2; }}. */
  static List<String[]> graphNodes(byte[] graphDef) {
    List<String[]> out = new ArrayList<>();
    ProtoReader r = ProtoReader.of(graphDef);
    for (int t; (t = r.readTag()) != 0; ) {
      if (t == ((1 << 3) | ProtoReader.LEN)) {
        out.add(r.readMessage(n -> {
          String[] node = {"", ""};
          for (int u; (u = n.readTag()) != 0; ) {
            if (u == ((1 << 3) | ProtoReader.LEN)) {
              node[0] = n.readString();
            } else if (u == ((2 << 3) | ProtoReader.LEN)) {
              node[1] = n.readString();
            } else {
              n.skipField(u);
            }
          }
          return node;
        }));
      } else {
        r.skipField(t);
      }
    }
    return out;
  }
}
