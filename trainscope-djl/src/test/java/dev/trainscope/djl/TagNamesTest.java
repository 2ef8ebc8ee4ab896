package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TagNamesTest {
  @Test
  void metricName_isSnakeCase() {
    assertEquals("accuracy", TagNames.metricName("Accuracy"));
    assertEquals("top_k_accuracy", TagNames.metricName("TopKAccuracy"));
    assertEquals("binary_accuracy", TagNames.metricName("BinaryAccuracy"));
    assertEquals("softmax_cross_entropy_loss", TagNames.metricName("SoftmaxCrossEntropyLoss"));
    assertEquals("l2_loss", TagNames.metricName("L2Loss"));
    assertEquals("mae", TagNames.metricName("mae"));
    assertEquals("f1_score_x", TagNames.metricName("f1 score/x"));
  }

  @Test
  void parameterTags_weightIsTheLayer_othersAreBelowIt() {
    assertEquals("conv2d_1", TagNames.param("conv2d_1", "weight"));
    assertEquals("conv2d_1/bias", TagNames.param("conv2d_1", "bias"));
    assertEquals("weights/conv2d_1", TagNames.values("conv2d_1", "weight"));
    assertEquals("biases/conv2d_1", TagNames.values("conv2d_1", "bias"));
    assertEquals("weights/batchnorm_1/gamma", TagNames.values("batchnorm_1", "gamma"));
    assertEquals("grad_norm/linear_2/bias", TagNames.gradNorm(TagNames.param("linear_2", "bias")));
    assertEquals("activations/linear_1/pre", TagNames.preActivations("linear_1"));
    assertEquals("val/accuracy", TagNames.metric(true, "accuracy"));
  }

  @Test
  void description_endsWithTheMachineLine() {
    assertEquals("The loss.\n\nrole: loss, split: train",
        TagNames.description("The loss.", TagNames.Role.LOSS, "train", null, null));
    assertEquals("x\n\nrole: grad_norm, split: train, layer: conv2d_1, param: bias",
        TagNames.description("x", TagNames.Role.GRAD_NORM, "train", "conv2d_1", "bias"));
  }
}
