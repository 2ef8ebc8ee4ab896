package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import dev.trainscope.events.meaning.TagMeaning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a tag is, from the naming habits of each writer, when its metadata does not say. */
class ConventionsTest {
  @ParameterizedTest(name = "{0} / {1} -> {3} {4} layer={5} param={6} ({7})")
  @CsvSource({
    // Trainscope's own names, in files without its metadata
    "run, train/loss, SCALAR, LOSS, TRAIN, '', '', name",
    "run, val/accuracy, SCALAR, ACCURACY, VALIDATION, '', '', name",
    "run, train/lr, SCALAR, LEARNING_RATE, TRAIN, '', '', name",
    "run, grad_norm/conv1, SCALAR, GRAD_NORM, TRAIN, conv1, weight, name: Trainscope",
    "run, grad_norm/conv1/bias, SCALAR, GRAD_NORM, TRAIN, conv1, bias, name: Trainscope",
    "run, grad/conv1, HISTOGRAM, GRADIENTS, TRAIN, conv1, weight, name: Trainscope",
    "run, weights/dense2, HISTOGRAM, WEIGHTS, UNKNOWN, dense2, weight, name: Trainscope",
    "run, weights/batchnorm_1/gamma, HISTOGRAM, WEIGHTS, UNKNOWN, batchnorm_1, gamma, name: Trainscope",
    "run, biases/dense2, HISTOGRAM, BIASES, UNKNOWN, dense2, bias, name: Trainscope",
    "run, dead_units/conv2, SCALAR, DEAD_UNITS, UNKNOWN, conv2, '', name: Trainscope",
    "run, activations/conv1/pre, HISTOGRAM, PRE_ACTIVATIONS, UNKNOWN, conv1, '', name: Trainscope",
    "run, activations/conv1/post, HISTOGRAM, ACTIVATIONS, UNKNOWN, conv1, '', name: Trainscope",
    "run, update_ratio/dense1, SCALAR, UPDATE_RATIO, TRAIN, dense1, weight, name: Trainscope",
    "run, inputs/histogram, HISTOGRAM, INPUTS, TRAIN, '', '', name",
    "run, inputs/fingerprint, SCALAR, BATCH_FINGERPRINT, TRAIN, '', '', name: Trainscope",
    // Keras' callback: the split is in the run's folder
    "exp/train, epoch_loss, SCALAR, LOSS, TRAIN, '', '', name: Keras",
    "exp/train, batch_loss, SCALAR, LOSS, TRAIN, '', '', name: Keras",
    "exp/validation, epoch_accuracy, SCALAR, ACCURACY, VALIDATION, '', '', name: Keras",
    "exp/train, epoch_learning_rate, SCALAR, LEARNING_RATE, TRAIN, '', '', name: Keras",
    "exp/train, dense/kernel_0, HISTOGRAM, WEIGHTS, TRAIN, dense, kernel, name: Keras",
    "exp/train, dense_1/bias_0, HISTOGRAM, BIASES, TRAIN, dense_1, bias, name: Keras",
    // newer Keras: the histogram under /histogram, the weights as a picture under /image
    "exp/train, dense/kernel_0/histogram, HISTOGRAM, WEIGHTS, TRAIN, dense, kernel, name: Keras",
    "exp/train, dense_2/bias_0/histogram, HISTOGRAM, BIASES, TRAIN, dense_2, bias, name: Keras",
    "exp/train, batch_normalization/gamma_0, HISTOGRAM, WEIGHTS, TRAIN, batch_normalization, gamma, name: Keras",
    "exp/train, batch_normalization/beta_0, HISTOGRAM, BIASES, TRAIN, batch_normalization, beta, name: Keras",
    "exp/train, batch_normalization/moving_mean_0, HISTOGRAM, OTHER, TRAIN, batch_normalization, moving_mean, name: Keras",
    "exp/validation, evaluation_loss_vs_iterations, SCALAR, LOSS, VALIDATION, '', '', name: Keras",
    // Lightning
    "lightning_logs/version_0, train_loss_step, SCALAR, LOSS, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, train_loss_epoch, SCALAR, LOSS, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, val_loss, SCALAR, LOSS, VALIDATION, '', '', name: Lightning",
    "lightning_logs/version_0, val_acc, SCALAR, ACCURACY, VALIDATION, '', '', name: Lightning",
    "lightning_logs/version_0, epoch, SCALAR, EPOCH, UNKNOWN, '', '', name: Lightning",
    "lightning_logs/version_0, lr-SGD, SCALAR, LEARNING_RATE, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, lr-Adam/pg1, SCALAR, LEARNING_RATE, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, lr-SGD-momentum, SCALAR, OTHER, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, grad_2.0_norm/model.0.weight, SCALAR, GRAD_NORM, TRAIN, model.0, weight, name: Lightning",
    "lightning_logs/version_0, grad_2.0_norm_total, SCALAR, GRAD_NORM, TRAIN, '', '', name: Lightning",
    "lightning_logs/version_0, hp_metric, SCALAR, HP_METRIC, UNKNOWN, '', '', name: Lightning",
    "lightning_logs/version_0, activations/model.1, HISTOGRAM, ACTIVATIONS, UNKNOWN, model.1, '', name: PyTorch",
    // torch.utils.tensorboard and tensorboardX as people use them
    "runs/exp1, Loss/train, SCALAR, LOSS, TRAIN, '', '', name",
    "runs/exp1, loss/val, SCALAR, LOSS, VALIDATION, '', '', name",
    "runs/exp1, train/loss, SCALAR, LOSS, TRAIN, '', '', name",
    "runs/exp1, Accuracy/test, SCALAR, ACCURACY, VALIDATION, '', '', name",
    "runs/exp1, train_loss, SCALAR, LOSS, TRAIN, '', '', name: Lightning",
    "runs/exp1, lr, SCALAR, LEARNING_RATE, TRAIN, '', '', name",
    "runs/exp1, LearningRate, SCALAR, LEARNING_RATE, TRAIN, '', '', name",
    "runs/exp1, fc1.weight, HISTOGRAM, WEIGHTS, UNKNOWN, fc1, weight, name: PyTorch",
    "runs/exp1, fc1.bias, HISTOGRAM, BIASES, UNKNOWN, fc1, bias, name: PyTorch",
    "runs/exp1, model.0/weight, HISTOGRAM, WEIGHTS, UNKNOWN, model.0, weight, name: PyTorch",
    "runs/exp1, fc1.weight.grad, HISTOGRAM, GRADIENTS, TRAIN, fc1, weight, name: PyTorch",
    "runs/exp1, fc1.weight/grad, HISTOGRAM, GRADIENTS, TRAIN, fc1, weight, name: PyTorch",
    "runs/exp1, grad/fc1.weight, HISTOGRAM, GRADIENTS, TRAIN, fc1, weight, name: Trainscope",
    "runs/exp1, grad_norm/fc1.weight, SCALAR, GRAD_NORM, TRAIN, fc1, weight, name: Trainscope",
    "runs/exp1, bn1.running_mean, HISTOGRAM, OTHER, UNKNOWN, bn1, running_mean, name: PyTorch",
    "runs/exp1, input/batch, HISTOGRAM, INPUTS, TRAIN, '', '', name",
    "runs/exp1, input/samples, IMAGE, INPUT_IMAGES, UNKNOWN, '', '', name",
    // names that say nothing
    "runs/exp1, lossless_compression_ratio, SCALAR, OTHER, UNKNOWN, '', '', none",
    "runs/exp1, throughput, SCALAR, OTHER, UNKNOWN, '', '', none",
    // a metric no habit names: its split still counts (the dashboard pairs train/mae with val/mae)
    "runs/exp1, train/mae, SCALAR, OTHER, TRAIN, '', '', name",
    "runs/exp1, mae/val, SCALAR, OTHER, VALIDATION, '', '', name",
    "lightning_logs/version_0, val_f1, SCALAR, OTHER, VALIDATION, '', '', name: Lightning",
    // the DJL listener's pictures in files older than its metadata
    "run, features/conv2d_1/3/top9, IMAGE, FEATURE_TOP9, VALIDATION, conv2d_1, '', name: Trainscope",
    "run, features/a/b/0/guided, IMAGE, FEATURE_GUIDED, VALIDATION, a/b, '', name: Trainscope",
    "run, features/conv2d_1/12/ranking, TEXT, FEATURE_RANKING, VALIDATION, conv2d_1, '', name: Trainscope",
    "run, filters/conv2d_2, IMAGE, FILTERS, UNKNOWN, conv2d_2, weight, name: Trainscope",
    "run, feature_maps/conv2d_2, IMAGE, FEATURE_MAPS, UNKNOWN, conv2d_2, '', name: Trainscope",
    "run, latent/traversal, IMAGE, LATENT_TRAVERSAL, UNKNOWN, '', '', name: Trainscope",
    "run, latent/reconstructions, IMAGE, RECONSTRUCTIONS, VALIDATION, '', '', name: Trainscope",
    "run, latent/std/4, SCALAR, LATENT_STD, VALIDATION, '', '', name: Trainscope",
  })
  void infer_fromNamingHabits(String run, String tag, TagKind kind, Role role, Split split, String layer, String param,
      String source) {
    TagMeaning m = Conventions.infer(run, tag, kind, "");
    assertEquals(role, m.role(), "role");
    assertEquals(split, m.split(), "split");
    assertEquals(layer, m.layer(), "layer");
    assertEquals(param, m.param(), "param");
    assertEquals(source, m.source(), "source");
  }

  @Test
  void featureViewsAndLatentSpreads_keepTheirChannelAndDimension() {
    assertEquals(java.util.Map.of("channel", "3"),
        Conventions.infer("run", "features/conv2d_1/3/deconv", TagKind.IMAGE, "").attributes());
    assertEquals(java.util.Map.of("dim", "7"), Conventions.infer("run", "latent/std/7", TagKind.SCALAR, "").attributes());
    // a picture of another name is not a feature view
    assertEquals(Role.OTHER, Conventions.infer("run", "features/conv2d_1/x/top9", TagKind.IMAGE, "").role());
  }

  @Test
  void metadata_winsOverTheName() {
    TagMeaning m = Conventions.infer("run", "weird_name", TagKind.SCALAR,
        "Something for people.\n\nrole: grad_norm, split: train, layer: conv1, param: bias");
    assertEquals(Role.GRAD_NORM, m.role());
    assertEquals("conv1", m.layer());
    assertEquals("bias", m.param());
    assertEquals(TagMeaning.METADATA, m.source());
    // a description that states nothing machine-readable: the name decides
    assertEquals(Role.LOSS, Conventions.infer("run", "train/loss", TagKind.SCALAR, "The loss of a batch.").role());
  }

  @Test
  void storeReadsTheMeaningOnce_fromTheFilesMetadata(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    TestEvents.write(dir.resolve("exp").resolve("train").resolve(TestEvents.fileName(0)),
        TestEvents.scalar("epoch_loss", 0, 2.3f), TestEvents.scalar("epoch_loss", 1, 1.2f));
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(java.time.Duration.ZERO).build()) {
      store.reload();
      TagMeaning m = store.tag("exp/train", "epoch_loss").meaning();
      assertEquals(Role.LOSS, m.role());
      assertEquals(Split.TRAIN, m.split(), "from the run's folder");
      assertEquals("name: Keras", m.source());
    }
  }
}
