package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.SummaryMetadata;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoencoder demo on 640 digits for one epoch (10 steps), pictures every 4 steps: the tags it
 * writes, that its reconstruction loss falls, and that logging does not change its training.
 */
class AutoencoderDemoTest {
  static final int CELL = 28 + LatentTraversal.PADDING;
  static final int EVERY = 4;

  @TempDir
  static Path dir;
  static AutoencoderDemo.Result result;
  static Logs logs;

  static AutoencoderDemo.Options options(Path logdir) {
    return AutoencoderDemo.Options.defaults(logdir).withEpochs(1).withTrainSamples(640);
  }

  @BeforeAll
  static void train() throws Exception {
    result = AutoencoderDemo.train(options(dir), Demo.Progress.NONE, EVERY);
    logs = Logs.read(dir);
  }

  @Test
  void shortTraining_writesTheDocumentedTags() {
    assertEquals(10, result.steps());
    for (String tag : List.of("train/loss", "val/loss", "train/reconstruction", "val/reconstruction", "train/kl",
        "val/kl", "train/lr", "grad_norm/autoencoder_1/01encoder_01Conv2d_weight", "inputs/train")) {
      assertTrue(logs.byTag.containsKey(tag), tag + " missing; have " + logs.byTag.keySet());
    }
    Set<Long> steps = Set.of(0L, 4L, 8L, 10L); // every 4 steps, and after the last update
    TreeMap<Long, BufferedImage> traversals = logs.images("latent/traversal");
    assertEquals(steps, traversals.keySet());
    assertEquals(steps, logs.images("latent/reconstructions").keySet());
    for (BufferedImage t : traversals.values()) {
      assertEquals(9 * CELL + 2, t.getWidth(), "9 columns");
      assertEquals(8 * CELL + 2, t.getHeight(), "8 latent dimensions");
    }
    BufferedImage rec = logs.images("latent/reconstructions").get(10L);
    assertEquals(10 * CELL + 2, rec.getWidth());
    assertEquals(2 * CELL + 2, rec.getHeight());
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        assertEquals(Fixture.MNIST.pixel(Mnist.TRAIN_COUNT + 3, y, x), PicturesTest.grey(rec, 2 + 3 * CELL + x, 2 + y),
            "the top row is validation digits 0..9 as they are");
      }
    }
    for (int d = 0; d < 8; d++) {
      assertEquals(steps, logs.scalars("latent/std/" + d).keySet());
      assertEquals("role: latent_std, split: val, dim: " + d, logs.machineLine("latent/std/" + d));
    }
    assertEquals(null, logs.byTag.get("latent/std/8"));
    assertEquals("role: latent_traversal, dims: 8, sweep: -3..3 sd, steps: 9, sample: 0, sd: prior",
        logs.machineLine("latent/traversal"));
    assertEquals("role: reconstructions, split: val, samples: 0..9", logs.machineLine("latent/reconstructions"));
    SummaryMetadata md = logs.metadata.get("latent/traversal");
    assertEquals("latent traversal", md.displayName());
    assertEquals("role: loss, split: val", logs.machineLine("val/loss"));
    double loss = logs.scalars("val/loss").get(10L);
    assertEquals(logs.scalars("val/reconstruction").get(10L) + logs.scalars("val/kl").get(10L), loss, 1e-3 * loss);
    assertEquals(result.valLoss(), loss, 1e-6 * loss);
    assertEquals(4, result.traversalMillis().length);
    Map<String, Object> hp = logs.hparams();
    assertEquals(8.0, hp.get("latent_dims"));
    assertTrue(((String) hp.get("model")).startsWith("vae: "), hp.toString());
  }

  @Test
  void reconstructionLoss_fallsDuringAShortTraining() {
    TreeMap<Long, Double> rec = logs.scalars("train/reconstruction");
    double first = (rec.get(0L) + rec.get(1L)) / 2;
    double last = (rec.get(8L) + rec.get(9L)) / 2;
    assertTrue(last < 0.8 * first, "reconstruction loss from " + first + " to " + last + " nats a digit: " + rec);
    assertTrue(result.valReconstruction() < 0.8 * first, "validation " + result.valReconstruction());
  }

  @Test
  void loggingEveryFourSteps_leavesTrainingUnchanged() throws Exception {
    AutoencoderDemo.Result without = AutoencoderDemo.train(options(null), Demo.Progress.NONE);
    assertEquals(0, without.traversalMillis().length);
    // NaN would equal NaN below
    assertTrue(Double.isFinite(result.valLoss()) && Double.isFinite(without.valLoss()),
        "finite losses: " + result.valLoss() + " and " + without.valLoss());
    assertEquals(result.valLoss(), without.valLoss(), 0, "the same seed, bit for bit");
    assertEquals(result.valReconstruction(), without.valReconstruction(), 0);
    assertEquals(result.valKl(), without.valKl(), 0);
  }
}
