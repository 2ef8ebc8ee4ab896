package dev.trainscope.djl;

import dev.trainscope.events.meaning.Role;

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
        TagNames.description("The loss.", Role.LOSS, "train", null, null));
    assertEquals("x\n\nrole: grad_norm, split: train, layer: conv2d_1, param: bias",
        TagNames.description("x", Role.GRAD_NORM, "train", "conv2d_1", "bias"));
  }

  @Test
  void featureTags_layerThenChannelThenKind_andTheChannelEndsTheMachineLine() {
    assertEquals("features/conv2d_1/0/top9", TagNames.featureTop9("conv2d_1", 0));
    assertEquals("features/conv2d_2/31/deconv", TagNames.featureDeconv("conv2d_2", 31));
    assertEquals("features/conv2d_1/7/guided", TagNames.featureGuided("conv2d_1", 7));
    assertEquals("features/conv2d_1/7/ranking", TagNames.featureRanking("conv2d_1", 7));
    assertEquals("x\n\nrole: feature_guided, split: val, layer: conv2d_2, channel: 31",
        TagNames.description("x", Role.FEATURE_GUIDED, "val", "conv2d_2", 31));
    assertEquals("role: feature_top9", TagNames.machineLine(Role.FEATURE_TOP9, null, null, null, -1));
  }
}
