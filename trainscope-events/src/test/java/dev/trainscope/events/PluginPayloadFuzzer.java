package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;

/**
 * Coverage-guided fuzzing (Jazzer) of the payload decoders, one {@code Summary.Value} at a time:
 * the input is decoded as a value, and what decodes is handed to every plugin's reading of it
 * (plugin content as hparams, PR-curve, audio and versioned data; the tensor as histogram, images,
 * PR curve, text, numbers and strings; the legacy histogram as buckets). The same bytes also go to
 * each plugin-content parser directly. Only {@link MalformedProtoException} may come out, a value
 * that decodes decodes the same once re-encoded, and all of it stays within the {@link
 * AllocationBudget}. The committed corpus
 * ({@code PluginPayloadFuzzerInputs/}) holds values of every kind from real event files.
 */
class PluginPayloadFuzzer {

  @FuzzTest
  void decode_anySummaryValue_throwsOnlyMalformedProto(byte[] input) {
    AllocationBudget.within(input.length, () -> decode(input));
  }

  private static void decode(byte[] input) {
    DecodeEverything plugins = new DecodeEverything();
    plugins.pluginContent(input);
    SummaryValue v;
    try {
      v = SummaryValue.parse(input);
    } catch (MalformedProtoException e) {
      return;
    }
    assertEquals(v, SummaryValue.parse(v.toByteArray()), "re-encoded, decodes the same");
    if (v.metadata() != null && v.metadata().pluginData() != null) {
      plugins.pluginContent(v.metadata().pluginData().content());
    }
    if (v.value() instanceof TensorProto t) {
      plugins.tensor(t);
    } else if (v.value() instanceof HistogramProto h) {
      PluginTensors.histogram(h);
    }
  }
}
