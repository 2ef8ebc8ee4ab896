package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.events.plugins.AudioPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import dev.trainscope.writer.CustomScalars;
import dev.trainscope.writer.SummaryWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PR Curves, Custom Scalars and Audio tabs in a real browser, over tensorboardX's files
 * (gen-tensorboardX's pr_curves, custom_scalars_mesh and media runs) and a run our writer made
 * beside them ({@code java}): what each chart drew, read from its own uPlot data, equals the values
 * in the event files (read here with the events scanner, apart from the store), and every clip's
 * player fetches the very WAV bytes the file holds.
 */
@ExtendWith(Chromium.Tests.class)
class PluginTabsBrowserTest {
  @TempDir
  static Path tmp;

  static Served served;
  static Chromium chromium;
  static Path logdir;

  /** The labelled clips the java run logs as the audio plugin's [2, 2] tensor. */
  static final byte[] LOW = wav(440);
  static final byte[] HIGH = wav(660);

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    logdir = tmp.resolve("logs");
    Path gen = Served.testdata().resolve("gen-tensorboardX");
    for (String run : List.of("pr_curves", "custom_scalars_mesh", "media")) {
      Files.createDirectories(logdir.resolve(run));
      Files.copy(eventFile(gen.resolve(run)), logdir.resolve(run).resolve(eventFile(gen.resolve(run)).getFileName()));
    }
    writeJavaRun(logdir.resolve("java"));
    served = Served.loaded(logdir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  static void writeJavaRun(Path dir) {
    Random r = new Random(3);
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      for (long step = 0; step < 3; step++) {
        boolean[] labels = new boolean[300];
        float[] p = new float[300];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = r.nextBoolean();
          // better separated at each step
          p[i] = (float) Math.min(1, Math.max(0, (labels[i] ? 0.5 + 0.15 * step : 0.5 - 0.15 * step) + 0.25 * r.nextGaussian()));
        }
        w.prCurve("pr/default", labels, p, 51, step);
      }
      w.customScalars(CustomScalars.builder().category("Java")
          .multiline("losses", "^loss/")
          .margin("accuracy", "acc", "acc/lo", "acc/hi")
          .build());
      for (long s = 0; s < 10; s++) {
        w.scalar("loss/train", 1.0 / (1 + s), s);
        w.scalar("loss/val", 1.2 / (1 + s) + 0.05, s);
        double acc = 0.5 + 0.04 * s;
        w.scalar("acc", acc, s);
        w.scalar("acc/lo", acc - 0.02 - 0.01 * r.nextDouble(), s);
        w.scalar("acc/hi", acc + 0.02 + 0.01 * r.nextDouble(), s);
      }
      for (long s = 0; s < 2; s++) {
        float[] chirp = new float[4000];
        for (int i = 0; i < chirp.length; i++) {
          chirp[i] = (float) (0.5 * Math.sin(2 * Math.PI * (300 + 200 * s) * i / 16000.0));
        }
        w.audio("audio/chirp", chirp, 1, 16000, "chirp at *" + (300 + 200 * s) + " Hz*", s);
      }
      w.tensor("audio/labelled", TensorProto.ofStrings(TensorShape.of(2, 2), List.of(LOW,
          "**first** clip".getBytes(StandardCharsets.UTF_8), HIGH, "second".getBytes(StandardCharsets.UTF_8))),
          SummaryMetadata.forPlugin(PluginNames.AUDIO, new AudioPluginData(0, AudioPluginData.ENCODING_WAV).toByteArray(),
              SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE), 0);
    }
  }

  /** A quarter second of a sine at 8 kHz as a 16-bit WAV, by the JDK's sound API. */
  static byte[] wav(double hz) {
    int n = 2000;
    byte[] pcm = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      int v = (int) Math.round(0.4 * Short.MAX_VALUE * Math.sin(2 * Math.PI * hz * i / 8000));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat f = new AudioFormat(8000, 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), f, n)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static Path eventFile(Path runDir) throws IOException {
    try (Stream<Path> s = Files.list(runDir)) {
      List<Path> files = s.filter(f -> f.getFileName().toString().contains("tfevents")).toList();
      assertEquals(1, files.size(), runDir.toString());
      return files.get(0);
    }
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  static double[] reversed(double[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[a.length - 1 - i];
    }
    return out;
  }

  /** Every run of a PR card: its six rows and its drawn points equal the step's tensor in its file. */
  static void assertCurvesAreTheFiles(JsonNode d, long expectedStep) throws IOException {
    for (JsonNode run : d.get("runs")) {
      String name = run.get("run").asText();
      long step = run.get("step").asLong();
      assertEquals(expectedStep, step, name);
      PluginTensors.PrCurve c = PluginTensors.prCurve(
          EventFiles.tensor(eventFile(logdir.resolve(name)), d.get("tag").asText(), step));
      String what = name + " " + d.get("tag").asText() + " step " + step;
      assertArrayEquals(c.truePositives(), doubles(run.get("tp")), what);
      assertArrayEquals(c.falsePositives(), doubles(run.get("fp")), what);
      assertArrayEquals(c.trueNegatives(), doubles(run.get("tn")), what);
      assertArrayEquals(c.falseNegatives(), doubles(run.get("fn")), what);
      assertArrayEquals(c.precision(), doubles(run.get("precision")), what);
      assertArrayEquals(c.recall(), doubles(run.get("recall")), what);
      int n = c.recall().length;
      for (int i = 0; i < n; i++) {
        assertEquals(i / (double) (n - 1), run.get("thresholds").get(i).asDouble(), what);
      }
      // drawn from the highest threshold to the lowest, every point once
      assertArrayEquals(reversed(c.recall()), doubles(run.get("drawn").get("x")), what + ": x drawn is recall");
      assertArrayEquals(reversed(c.precision()), doubles(run.get("drawn").get("y")), what + ": y drawn is precision");
    }
  }

  /** The point of a run's shown curve whose recall is nearest 0.6: inside the plot, away from its edges. */
  static int inside(JsonNode d, String run) {
    for (JsonNode r : d.get("runs")) {
      if (r.get("run").asText().equals(run)) {
        int best = 0;
        for (int i = 0; i < r.get("recall").size(); i++) {
          if (Math.abs(r.get("recall").get(i).asDouble() - 0.6) < Math.abs(r.get("recall").get(best).asDouble() - 0.6)) {
            best = i;
          }
        }
        return best;
      }
    }
    throw new AssertionError("no curve of " + run + ": " + d);
  }

  @Test
  void prCurves_pointsDrawnAreTheTensors_atEachStep_andHoverNamesTheNearestPoint() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=prcurves&runFilter=" + q("^(pr_curves|java)$"));
      Map<String, List<String>> runsOf = Map.of("pr/default", List.of("java", "pr_curves"),
          "pr/thresholds_11", List.of("pr_curves"), "pr/raw", List.of("pr_curves"));
      for (Map.Entry<String, List<String>> e : runsOf.entrySet()) {
        String card = ".pr-card[data-tag='" + e.getKey() + "']";
        p.locator(card).scrollIntoViewIfNeeded();
        JsonNode d = p.readyChartData(card);
        List<String> runs = new ArrayList<>();
        d.get("runs").forEach(r -> runs.add(r.get("run").asText()));
        assertEquals(e.getValue(), runs, e.getKey() + ": the selected runs overlaid");
        long last = e.getKey().equals("pr/raw") ? 0 : 2;
        assertEquals(last, d.get("selectedStep").asLong(), "the latest step first");
        p.waitFor("sel => { const d = document.querySelector(sel).__chartData;"
            + " return d.runs.every(r => r.drawn.x.length > 0); }", card);
        assertCurvesAreTheFiles(p.chartData(card), last);
      }

      String card = ".pr-card[data-tag='pr/default']";
      p.locator(card + " input.step-range").focus();
      p.page.keyboard().press("Home");
      p.waitFor("sel => document.querySelector(sel).__chartData.selectedStep === 0", card);
      assertCurvesAreTheFiles(p.chartData(card), 0);
      p.page.keyboard().press("ArrowRight");
      p.waitFor("sel => document.querySelector(sel).__chartData.selectedStep === 1", card);
      assertCurvesAreTheFiles(p.chartData(card), 1);

      // hover: the nearest point's threshold, precision, recall and counts
      p.locator(card + " .line-chart").scrollIntoViewIfNeeded();
      for (String run : List.of("pr_curves", "java")) {
        int i = inside(p.chartData(card), run);
        JsonNode at = p.json("([sel, run, i]) => document.querySelector(sel).__pointAt(run, i)", List.of(card, run, i));
        p.page.mouse().move(at.get("x").asDouble(), at.get("y").asDouble());
        p.waitFor("sel => document.querySelector(sel).__chartData.hover !== null", card);
        JsonNode d = p.chartData(card);
        JsonNode h = d.get("hover");
        PluginTensors.PrCurve c = PluginTensors.prCurve(EventFiles.tensor(eventFile(logdir.resolve(h.get("run").asText())),
            "pr/default", 1));
        int k = h.get("index").asInt();
        assertEquals(1, h.get("step").asLong());
        // the point under the pointer (another at the very same place would do as well)
        JsonNode shown = null;
        for (JsonNode r : d.get("runs")) {
          if (r.get("run").asText().equals(run)) {
            shown = r;
          }
        }
        assertEquals(shown.get("recall").get(i).asDouble(), h.get("recall").asDouble(), 1e-9, run);
        assertEquals(shown.get("precision").get(i).asDouble(), h.get("precision").asDouble(), 1e-9, run);
        int n = c.recall().length;
        assertEquals(k / (double) (n - 1), h.get("threshold").asDouble());
        assertEquals(List.of(c.truePositives()[k], c.falsePositives()[k], c.trueNegatives()[k], c.falseNegatives()[k],
            c.precision()[k], c.recall()[k]), List.of(h.get("tp").asDouble(), h.get("fp").asDouble(), h.get("tn").asDouble(),
            h.get("fn").asDouble(), h.get("precision").asDouble(), h.get("recall").asDouble()));
        String text = p.locator(card + " .pr-readout").textContent();
        assertTrue(text.contains("TP " + (long) c.truePositives()[k]) && text.contains("FN " + (long) c.falseNegatives()[k])
            && text.contains("threshold"), text);
      }
      p.assertNoErrors();
    }
  }

  /** A custom scalars chart's series drawn (the chart's own columns) against the scalars in the file. */
  static void assertSeriesAreTheFile(JsonNode d, int index, String run, String tag, String role) throws IOException {
    JsonNode s = d.get("series").get(index);
    assertEquals(List.of(run, tag, role), List.of(s.get("run").asText(), s.get("tag").asText(), s.get("role").asText()));
    EventFiles.Points file = EventFiles.scalars(eventFile(logdir.resolve(run)), tag);
    double[] x = doubles(d.get("x"));
    List<Double> drawn = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (!s.get("values").get(i).isNull()) {
        steps.add(x[i]);
        drawn.add(s.get("values").get(i).asDouble());
      }
    }
    List<Double> fileSteps = new ArrayList<>();
    List<Double> fileValues = new ArrayList<>();
    for (int i = 0; i < file.size(); i++) {
      fileSteps.add((double) file.steps()[i]);
      fileValues.add(file.values()[i]);
    }
    assertEquals(fileSteps, steps, run + " " + tag + ": steps");
    assertEquals(fileValues, drawn, run + " " + tag + ": values");
  }

  @Test
  void customScalars_layoutsOfBothWriters_marginBoundsAndLinesAreTheFiles() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=customscalars&runFilter=" + q("^(custom_scalars_mesh|java)$"));
      p.waitFor("() => document.querySelectorAll('details.cs-category').length === 2", null);
      assertEquals(List.of("Group A", "Java"), p.page.evaluate(
          "() => [...document.querySelectorAll('details.cs-category')].map(d => d.dataset.category)"));

      String tbx = ".cs-card[data-category='Group A'][data-chart='margin']";
      JsonNode m = p.readyChartData(tbx);
      assertEquals("margin", m.get("kind").asText());
      assertSeriesAreTheFile(m, 0, "custom_scalars_mesh", "m/mid", "value");
      assertSeriesAreTheFile(m, 1, "custom_scalars_mesh", "m/lo", "lower");
      assertSeriesAreTheFile(m, 2, "custom_scalars_mesh", "m/hi", "upper");
      assertEquals("[[2,1]]", m.get("bands").toString(), "the band runs from the upper to the lower series");

      String ours = ".cs-card[data-category='Java'][data-chart='accuracy']";
      p.locator(ours).scrollIntoViewIfNeeded();
      JsonNode a = p.readyChartData(ours);
      assertSeriesAreTheFile(a, 0, "java", "acc", "value");
      assertSeriesAreTheFile(a, 1, "java", "acc/lo", "lower");
      assertSeriesAreTheFile(a, 2, "java", "acc/hi", "upper");

      // tensorboardX's multiline chart names its tags exactly; ours by a prefix: both find the java run's losses
      for (String chart : List.of(".cs-card[data-category='Group A'][data-chart='losses']",
          ".cs-card[data-category='Java'][data-chart='losses']")) {
        p.locator(chart).scrollIntoViewIfNeeded();
        JsonNode l = p.readyChartData(chart);
        assertEquals(2, l.get("series").size(), chart);
        assertSeriesAreTheFile(l, 0, "java", "loss/train", "line");
        assertSeriesAreTheFile(l, 1, "java", "loss/val", "line");
      }

      // a run left out of the selection leaves the charts
      p.open("tab=customscalars&runFilter=" + q("^custom_scalars_mesh$"));
      String losses = ".cs-card[data-category='Group A'][data-chart='losses']";
      p.waitFor("sel => { const c = document.querySelector(sel); return c && c.dataset.state === 'ready'"
          + " && c.__chartData.series.length === 0; }", losses);
      assertTrue(p.locator(losses + " .card-note").textContent().contains("No scalar"));
      p.assertNoErrors();
    }
  }

  @Test
  void audio_playersFetchTheFilesWav_atEachStep_withRateLengthAndLabels_andImagesShowNoAudio() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=audio&runFilter=" + q("^(media|java)$"));
      String sine = ".card[data-tab=audio][data-run='media'][data-tag='audio/sine']";
      JsonNode d = p.readyChartData(sine);
      assertEquals(2, d.get("selectedStep").asLong(), "the latest step first");
      Path media = eventFile(logdir.resolve("media"));
      for (String move : List.of("Home", "ArrowRight", "End")) {
        p.locator(sine + " input.step-range").focus();
        p.page.keyboard().press(move);
        long step = move.equals("Home") ? 0 : move.equals("ArrowRight") ? 1 : 2;
        String player = sine + " audio[data-step='" + step + "'][data-index='0']";
        p.waitFor("sel => document.querySelector(sel) !== null", player);
        Map.Entry<String, byte[]> got = ImagesBrowserTest.fetchFromPage(p, player);
        assertEquals("audio/wav", got.getKey());
        assertArrayEquals(EventFiles.audio(media, "audio/sine", step), got.getValue(), "step " + step);
        JsonNode clip = p.chartData(sine).get("clips").get(0);
        assertEquals(8000.0, clip.get("sampleRate").asDouble());
        assertEquals(1, clip.get("channels").asInt());
        assertEquals(0.25, clip.get("seconds").asDouble(), "2000 frames at 8 kHz, as the file's Summary.Audio says");
        assertTrue(p.locator(sine + " .audio-info").textContent().contains("8000 Hz · mono · 0.25 s"),
            p.locator(sine + " .audio-info").textContent());
      }

      String labelled = ".card[data-tab=audio][data-run='java'][data-tag='audio/labelled']";
      p.locator(labelled).scrollIntoViewIfNeeded();
      JsonNode l = p.readyChartData(labelled);
      assertEquals(2, l.get("clips").size());
      assertEquals("**first** clip", l.get("clips").get(0).get("label").asText());
      assertEquals("<strong>first</strong> clip", p.page.evaluate(
          "sel => document.querySelector(sel).querySelector('.audio-label p').innerHTML", labelled));
      byte[][] expected = {LOW, HIGH};
      for (int i = 0; i < 2; i++) {
        Map.Entry<String, byte[]> got = ImagesBrowserTest.fetchFromPage(p, labelled + " audio[data-index='" + i + "']");
        assertArrayEquals(expected[i], got.getValue(), "clip " + i);
      }
      // a label the writer logged beside its clip
      String chirp = ".card[data-tab=audio][data-run='java'][data-tag='audio/chirp']";
      p.locator(chirp).scrollIntoViewIfNeeded();
      assertEquals("chirp at *500 Hz*", p.readyChartData(chirp).get("clips").get(0).get("label").asText());
      assertEquals("chirp at <em>500 Hz</em>", p.page.evaluate(
          "sel => document.querySelector(sel).querySelector('.audio-label p').innerHTML", chirp));
      // the clip plays: the browser reads its length from the bytes served
      Object seconds = p.page.evaluate("sel => new Promise(res => { const a = document.querySelector(sel);"
          + " a.preload = 'auto'; a.onloadedmetadata = () => res(a.duration); a.load(); })", labelled + " audio[data-index='1']");
      assertEquals(0.25, ((Number) seconds).doubleValue(), 1e-3);

      p.open("tab=images&runFilter=" + q("^media$"));
      p.readyChartData(".card[data-tab=images][data-tag='image/rgb_chw_uint8']");
      assertEquals(0, p.locator(".card[data-tab=images][data-tag='audio/sine']").count(), "no audio in the Images tab");
      assertEquals(0, p.locator("#content audio").count());
      p.assertNoErrors();
    }
  }

  /** With {@code -Dtrainscope.screenshots=true}, rewrites docs/screenshots/prcurves.png, customscalars.png and audio.png. */
  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshots_ofTheThreeTabs() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"),
        "SKIPPED: needs -Dtrainscope.screenshots=true");
    Path out = Path.of(System.getProperty("trainscope.screenshotDir", "../docs/screenshots"));
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("tab=prcurves&theme=light&runFilter=" + q("^(pr_curves|java)$"));
      String card = ".pr-card[data-tag='pr/default']";
      p.readyChartData(card);
      p.waitFor("sel => document.querySelector(sel).__chartData.runs.every(r => r.drawn.x.length > 0)", card);
      JsonNode at = p.json("([sel, run, i]) => document.querySelector(sel).__pointAt(run, i)", List.of(card, "java", 25));
      p.page.mouse().move(at.get("x").asDouble(), at.get("y").asDouble());
      p.page.waitForTimeout(300);
      p.screenshot(out.resolve("prcurves.png"));

      p.open("tab=customscalars&theme=light&runFilter=" + q("^(custom_scalars_mesh|java)$"));
      p.readyChartData(".cs-card[data-category='Group A'][data-chart='margin']");
      p.page.waitForTimeout(500);
      p.screenshot(out.resolve("customscalars.png"));

      p.open("tab=audio&theme=light&runFilter=" + q("^(media|java)$"));
      p.readyChartData(".card[data-tab=audio][data-run='java'][data-tag='audio/labelled']");
      p.page.waitForTimeout(300);
      p.screenshot(out.resolve("audio.png"));
      p.assertNoErrors();
    }
  }
}
