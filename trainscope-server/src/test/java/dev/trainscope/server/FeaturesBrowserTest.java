package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.SummaryWriter;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Features and Latent tabs over runs written with the tag convention of TagNames
 * (features/<layer>/<channel>/top9|deconv|guided|ranking, filters/<layer>, latent/traversal,
 * latent/reconstructions): every layer and channel shown, each image the file's bytes at the
 * slider's step (or, for a tag logged less often, the last step before it), rows and columns of the
 * traversal labelled from its description.
 */
@ExtendWith(Chromium.Tests.class)
class FeaturesBrowserTest {
  @TempDir
  Path logdir;

  static BufferedImage tile(int w, int h, int shade) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(new Color(shade, 255 - shade, (shade * 7) % 256));
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  static void writeFeatures(SummaryWriter log) {
    for (long step : new long[] {0, 10, 20}) {
      for (String layer : List.of("conv2d_1", "conv2d_2")) {
        for (int ch = 0; ch < 3; ch++) {
          int shade = (int) (step * 5 + ch * 20 + (layer.endsWith("2") ? 7 : 0));
          log.image("features/" + layer + "/" + ch + "/top9", tile(86, 86, shade), step);
          log.image("features/" + layer + "/" + ch + "/deconv", tile(86, 86, shade + 1), step);
          log.image("features/" + layer + "/" + ch + "/guided", tile(86, 86, shade + 2), step);
          log.text("features/" + layer + "/" + ch + "/ranking", "| rank | index | activation |\n|---|---|---|\n| 1 | "
              + (ch * 100 + step) + " | 3.5 |", step);
        }
      }
      if (step != 10) {
        log.image("filters/conv2d_1", tile(40, 20, (int) step * 3), step);
      }
    }
  }

  static void writeLatent(SummaryWriter log) {
    log.describe("latent/traversal", "Latent traversal",
        "Each row sweeps one latent dimension.\n\nrole: latent_traversal, dims: 4, sweep: -3..3 sd, steps: 9, sample: 7");
    for (long step : new long[] {0, 50}) {
      log.image("latent/traversal", tile(9 * 28, 4 * 28, (int) step), step);
      log.image("latent/reconstructions", tile(8 * 28, 2 * 28, (int) step + 3), step);
    }
  }

  @Test
  void featuresTab_showsEveryChannelAtTheChosenStep(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("cnn"))) {
      writeFeatures(log);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=features");
      p.waitFor("() => document.querySelector('.features-tab')?.dataset.state === 'ready'"
          + " && document.querySelector('.features-tab').dataset.step === '20'", null);
      assertEquals(List.of("conv2d_1", "conv2d_2"), texts(p, "section.features-layer", "layer"));
      assertEquals(List.of("0", "1", "2"), texts(p, "section.features-layer[data-layer=conv2d_1] .features-channel", "channel"));
      assertEquals(18, p.locator("img[data-kind]").count(), "2 layers x 3 channels x 3 views");
      // the slider to step 10: every view at 10, the filters (not logged at 10) at 0
      p.locator(".run-steps-bar input.step-range").fill("1");
      p.waitFor("() => document.querySelector('.features-tab').dataset.step === '10'", null);
      p.waitFor("() => [...document.querySelectorAll('img[data-kind]')].every(i => i.dataset.step === '10' && i.complete && i.naturalWidth === 86)", null);
      assertEquals("0", p.json("() => document.querySelector('img.features-filters').dataset.step", null).asText());
      String img = ".features-layer[data-layer=conv2d_2] .features-channel[data-channel='1'] img[data-kind=deconv]";
      assertArrayEquals(s.store.blob("cnn", "features/conv2d_2/1/deconv", 10, 0), ImagesBrowserTest.fetchFromPage(p, img).getValue());
      p.waitFor("() => document.querySelector(\".features-channel[data-channel='2'] .features-ranking td\")", null);
      String ranking = p.locator(".features-layer[data-layer=conv2d_1] .features-channel[data-channel='2'] .features-ranking").textContent();
      assertTrue(ranking.contains("210"), ranking);
      p.assertNoErrors();
    }
  }

  @Test
  void latentTab_labelsRowsAndColumnsFromTheDescription(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("vae"))) {
      writeLatent(log);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=latent");
      p.waitFor("() => document.querySelector('.latent-tab')?.dataset.step === '50'", null);
      assertEquals(List.of("z0", "z1", "z2", "z3"), texts(p, ".latent-rows span", null));
      List<String> cols = texts(p, ".latent-cols span", null);
      assertEquals(9, cols.size());
      assertEquals("-3σ", cols.get(0));
      assertEquals("0σ", cols.get(4));
      assertEquals("+3σ", cols.get(8));
      p.locator(".run-steps-bar input.step-range").fill("0");
      p.waitFor("() => document.querySelector('img.latent-traversal').dataset.step === '0'"
          + " && document.querySelector('img.latent-reconstructions').dataset.step === '0'", null);
      assertArrayEquals(s.store.blob("vae", "latent/traversal", 0, 0), ImagesBrowserTest.fetchFromPage(p, "img.latent-traversal").getValue());
      p.assertNoErrors();
    }
  }

  @Test
  void bothTabsSayWhatToDoWhenThereIsNothingToShow(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("plain"))) {
      log.scalar("loss", 1, 0);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      // the shell shows the tab's reason (its empty()) in its place, and on its greyed button
      p.open("tab=features");
      p.waitFor("() => document.querySelector('.tab-empty[data-tab=features]')?.textContent.includes('demo')"
          + " && document.querySelector('#tabs button[data-tab=features]').dataset.empty.includes('demo')", null);
      p.open("tab=latent");
      p.waitFor("() => document.querySelector('.tab-empty[data-tab=latent]')?.textContent.includes('autoencoder')"
          + " && document.querySelector('#tabs button[data-tab=latent]').dataset.empty.includes('autoencoder')", null);
      p.assertNoErrors();
    }
  }

  static List<String> texts(DashboardPage p, String selector, String dataKey) {
    JsonNode n = p.json("([sel, key]) => [...document.querySelectorAll(sel)].map(e => key ? e.dataset[key] : e.textContent)",
        new Object[] {selector, dataKey});
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  /**
   * With {@code -Dtrainscope.screenshots=true} and {@code -Dtrainscope.screenshotFeaturesLogdir=DIR} or
   * {@code -Dtrainscope.screenshotLatentLogdir=DIR} (demo runs), rewrites docs/screenshots/features.png
   * and latent.png.
   */
  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshots_ofFeaturesAndLatent(Chromium chromium) throws Exception {
    String features = System.getProperty("trainscope.screenshotFeaturesLogdir", "");
    String latent = System.getProperty("trainscope.screenshotLatentLogdir", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots")
        && !(features.isEmpty() && latent.isEmpty()),
        "SKIPPED: needs -Dtrainscope.screenshots=true and -Dtrainscope.screenshotFeaturesLogdir=DIR or ...LatentLogdir=DIR");
    if (!features.isEmpty()) {
      try (Served s = Served.loaded(Path.of(features)); DashboardPage p = chromium.open(s.base, 1400, 1000)) {
        p.open("tab=features");
        p.waitFor("() => document.querySelector('.features-tab')?.dataset.state === 'ready'"
            + " && [...document.querySelectorAll('img[data-kind]')].every(i => i.complete && i.naturalWidth > 0)", null);
        p.page.evaluate("() => document.querySelector('.features-channel details')?.setAttribute('open', '')");
        Thread.sleep(500);
        p.screenshot(Path.of("../docs/screenshots/features.png"));
      }
    }
    if (!latent.isEmpty()) {
      try (Served s = Served.loaded(Path.of(latent)); DashboardPage p = chromium.open(s.base, 1400, 1000)) {
        p.open("tab=latent");
        p.waitFor("() => { const i = document.querySelector('img.latent-traversal'); return i && i.complete && i.naturalWidth > 0; }", null);
        Thread.sleep(500);
        p.screenshot(Path.of("../docs/screenshots/latent.png"));
      }
    }
  }
}
