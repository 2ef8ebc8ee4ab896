package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tabs read what a tag is from its meaning (/api/tags TagInfo.meaning), not from its name:
 * train/validation pairs by the tags' split and role, so Lightning's and Keras' names pair as the
 * hand-written ones did; the Features and Latent tabs find their pictures and labels by role and
 * attributes, whatever the tags are called.
 */
@ExtendWith(Chromium.Tests.class)
class MeaningBrowserTest {
  @TempDir
  Path logdir;

  /** The pair charts of the runs the filter selects: each one's tags, as a set, with training tags first. */
  static Set<Set<String>> pairs(DashboardPage p, String runFilter) {
    p.open("tab=scalars&x.pair=1&runFilter=" + FindingsBrowserTest.q(runFilter));
    p.waitFor("() => document.querySelectorAll('.sc-card[data-kind=tag]').length > 0", null);
    JsonNode cards = p.json("() => [...document.querySelectorAll('.sc-card[data-kind=pair]')].map(c => JSON.parse(c.dataset.tags))",
        null);
    Set<Set<String>> out = new java.util.HashSet<>();
    for (JsonNode c : cards) {
      List<String> tags = FiltersBrowserTest.list(c);
      out.add(new TreeSet<>(tags));
    }
    return out;
  }

  @Test
  void pairs_comeFromTheTagsSplit_forHandWrittenLightningAndKerasNames(Chromium chromium) throws Exception {
    Served.trainingRunsCopy(logdir, "run_32", "run_04");
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("classic"))) {
      for (long s = 0; s < 20; s++) {
        log.scalar("train/loss", 1.0 / (s + 1), s);
        log.scalar("val/loss", 1.2 / (s + 1), s);
        log.scalar("train/mae", 0.5 / (s + 1), s);
        log.scalar("val/mae", 0.6 / (s + 1), s);
        log.scalar("train/lr", 0.1, s);
      }
    }
    try (Served served = Served.loaded(logdir); DashboardPage p = chromium.open(served.base)) {
      // hand-written names pair as they always did (train/mae is no known metric: its split is enough)
      assertEquals(Set.of(new TreeSet<>(List.of("train/loss", "val/loss")), new TreeSet<>(List.of("train/mae", "val/mae"))),
          pairs(p, "^classic$"));
      // Lightning: the step and epoch training losses with the validation loss; accuracy likewise
      assertEquals(Set.of(new TreeSet<>(List.of("train_loss_step", "train_loss_epoch", "val_loss")),
          new TreeSet<>(List.of("train_acc_epoch", "val_acc"))), pairs(p, "^run_32$"));
      // Keras: the training run's batch_loss with epoch_loss, which the validation run logs too
      assertEquals(Set.of(new TreeSet<>(List.of("batch_loss", "epoch_loss")),
          new TreeSet<>(List.of("batch_accuracy", "epoch_accuracy"))), pairs(p, "^run_04/"));
      // training tags first, validation after
      p.open("tab=scalars&x.pair=1&runFilter=%5Erun_32%24");
      p.waitFor("() => document.querySelectorAll('.sc-card[data-kind=pair]').length === 2", null);
      List<String> loss = FiltersBrowserTest.list(p.json(
          "() => JSON.parse([...document.querySelectorAll('.sc-card[data-kind=pair]')].find(c => c.dataset.tags.includes('val_loss'))"
              + ".dataset.tags)", null));
      assertEquals("val_loss", loss.get(loss.size() - 1), loss.toString());
      p.assertNoErrors();
    }
  }

  @Test
  void featuresAndLatent_findTheirTagsByMeaning_whateverTheirNames(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("cnn"))) {
      for (int ch : new int[] {5, 2}) {
        log.describe("viz/first/ch" + ch + "/best", "best", "The best images.\n\nrole: feature_top9, split: val, layer: c1, channel: " + ch);
        log.describe("viz/first/ch" + ch + "/dc", "deconv", "Deconvnet.\n\nrole: feature_deconv, split: val, layer: c1, channel: " + ch);
      }
      log.describe("kernels/first", "kernels", "The kernels.\n\nrole: filters, layer: c1, param: weight");
      log.describe("vae/sweep", "sweep", "A sweep.\n\nrole: latent_traversal, dims: 3, sweep: -2..2 sd, steps: 5, sample: 1");
      // a picture that merely looks like a feature view by its name, stating otherwise
      log.describe("features/c9/0/top9", "not a view", "Something else.\n\nrole: other");
      for (long step : new long[] {0, 10}) {
        for (int ch : new int[] {5, 2}) {
          log.image("viz/first/ch" + ch + "/best", FeaturesBrowserTest.tile(30, 30, (int) step + ch), step);
          log.image("viz/first/ch" + ch + "/dc", FeaturesBrowserTest.tile(30, 30, (int) step + ch + 1), step);
        }
        log.image("kernels/first", FeaturesBrowserTest.tile(20, 10, (int) step), step);
        log.image("vae/sweep", FeaturesBrowserTest.tile(5 * 28, 3 * 28, (int) step), step);
        log.image("features/c9/0/top9", FeaturesBrowserTest.tile(30, 30, 9), step);
      }
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=features");
      p.waitFor("() => document.querySelector('.features-tab')?.dataset.state === 'ready'"
          + " && document.querySelector('.features-tab').dataset.step === '10'", null);
      assertEquals(List.of("c1"), FeaturesBrowserTest.texts(p, "section.features-layer", "layer"));
      assertEquals(List.of("2", "5"), FeaturesBrowserTest.texts(p, ".features-channel", "channel"), "channels ascending");
      assertEquals(List.of("top9", "deconv", "top9", "deconv"), FeaturesBrowserTest.texts(p, "img[data-kind]", "kind"));
      assertEquals(1, p.locator("img.features-filters").count());
      p.waitFor("() => document.querySelector('img.features-filters').dataset.step === '10'", null);

      p.open("tab=latent");
      p.waitFor("() => document.querySelector('.latent-tab')?.dataset.step === '10'", null);
      assertEquals(List.of("z0", "z1", "z2"), FeaturesBrowserTest.texts(p, ".latent-rows span", null));
      assertEquals(List.of("-2σ", "-1σ", "0σ", "+1σ", "+2σ"), FeaturesBrowserTest.texts(p, ".latent-cols span", null));
      assertTrue(p.locator("img.latent-traversal").count() == 1);
      assertEquals(0, p.locator("img.latent-reconstructions").count());
      p.assertNoErrors();
    }
  }
}
