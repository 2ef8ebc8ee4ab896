package dev.trainscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RolesTest {
  static TagInfo tag(String run, String tag, TagKind kind) {
    return new TagInfo(run, tag, kind, "scalars", "", "", 1, 0, 0, 0, 0, 0);
  }

  @ParameterizedTest(name = "{0} / {1} -> {3} {4} {5}")
  @CsvSource({
    // Trainscope's own convention
    "run, train/loss, SCALAR, LOSS, TRAIN, ''",
    "run, val/accuracy, SCALAR, ACCURACY, VALIDATION, ''",
    "run, train/lr, SCALAR, LEARNING_RATE, TRAIN, ''",
    "run, grad_norm/conv1, SCALAR, GRAD_NORM, UNKNOWN, conv1",
    "run, grad/conv1, HISTOGRAM, GRADIENTS, UNKNOWN, conv1",
    "run, weights/dense2, HISTOGRAM, WEIGHTS, UNKNOWN, dense2",
    "run, dead_units/conv2, SCALAR, DEAD_UNITS, UNKNOWN, conv2",
    "run, activations/conv1/pre, HISTOGRAM, PRE_ACTIVATIONS, UNKNOWN, conv1",
    "run, update_ratio/dense1, SCALAR, UPDATE_RATIO, UNKNOWN, dense1",
    "run, inputs/histogram, HISTOGRAM, INPUTS, UNKNOWN, ''",
    "run, inputs/fingerprint, SCALAR, BATCH_FINGERPRINT, UNKNOWN, ''",
    // Keras: the split is in the run name
    "exp/train, epoch_loss, SCALAR, LOSS, TRAIN, ''",
    "exp/validation, epoch_accuracy, SCALAR, ACCURACY, VALIDATION, ''",
    "exp/train, dense/kernel_0, HISTOGRAM, WEIGHTS, TRAIN, dense",
    // PyTorch and tensorboardX habits
    "run, Loss/train, SCALAR, LOSS, TRAIN, ''",
    "run, loss/val, SCALAR, LOSS, VALIDATION, ''",
    "run, val_acc, SCALAR, ACCURACY, VALIDATION, ''",
    "run, train_loss_step, SCALAR, LOSS, TRAIN, ''",
    "run, lr, SCALAR, LEARNING_RATE, UNKNOWN, ''",
    "run, fc1.weight, HISTOGRAM, WEIGHTS, UNKNOWN, fc1",
    "run, fc1.weight.grad, HISTOGRAM, GRADIENTS, UNKNOWN, fc1",
    "run, hp_metric, SCALAR, OTHER, UNKNOWN, ''",
    "run, lossless_compression_ratio, SCALAR, OTHER, UNKNOWN, ''",
  })
  void infer_namingHabits(String run, String name, TagKind kind, Role role, Split split, String layer) {
    TagRole r = Roles.defaults().infer(tag(run, name, kind));
    assertEquals(role, r.role());
    assertEquals(split, r.split());
    assertEquals(layer, r.layer());
  }

  @Test
  void overrides_winOverInference() {
    Roles roles = Roles.withOverrides(java.util.List.of("^my_objective$=loss:train", "v_top1=accuracy:val"));
    assertEquals(Role.LOSS, roles.infer(tag("r", "my_objective", TagKind.SCALAR)).role());
    assertEquals(Split.TRAIN, roles.infer(tag("r", "my_objective", TagKind.SCALAR)).split());
    assertEquals(Split.VALIDATION, roles.infer(tag("r", "v_top1", TagKind.SCALAR)).split());
  }

  @Test
  void badOverrides_sayWhatIsWrong() {
    assertEquals("unknown role 'lsos'; known: [loss, accuracy, learning_rate, grad_norm, gradients, weights, biases, "
        + "update_ratio, grad_zero_fraction, pre_activations, activations, dead_units, activation_mean, activation_std, "
        + "inputs, batch_fingerprint, other]",
        assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("x=lsos"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("noequals")));
    assertThrows(IllegalArgumentException.class, () -> Roles.withOverrides(java.util.List.of("([=loss")));
  }

  @Test
  void descriptionRole_fromTheWriterWins() {
    TagInfo t = new TagInfo("r", "weird_name", TagKind.SCALAR, "scalars", "", "role: grad_norm; layer conv1", 1, 0, 0, 0,
        0, 0);
    assertEquals(Role.GRAD_NORM, Roles.defaults().infer(t).role());
  }
}
