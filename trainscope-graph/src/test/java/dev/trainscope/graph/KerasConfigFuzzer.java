package dev.trainscope.graph;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the Keras model-config decoder ({@link KerasModels#read})
 * over arbitrary text (the input's bytes as UTF-8). The committed corpus
 * ({@code KerasConfigFuzzerInputs/}) holds a Sequential model and functional models in Keras 2's
 * and Keras 3's forms, one with a nested model.
 */
class KerasConfigFuzzer {

  /** The words of Keras configs, for the fuzzer to splice in. */
  @DictionaryEntries({"\"class_name\"", "\"config\"", "\"layers\"", "\"name\"", "\"inbound_nodes\"",
      "\"keras_history\"", "\"__keras_tensor__\"", "\"args\"", "\"kwargs\"", "\"shape\"", "\"batch_shape\"",
      "\"batch_input_shape\"", "\"input_layers\"", "\"output_layers\"", "\"Sequential\"", "\"Functional\"",
      "\"Model\"", "\"InputLayer\"", "null", "[[", "]]", "{}", "[]"})
  @FuzzTest
  void read_anyJson_throwsOnlyBadGraph(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    DecodedGraphs.decodeOrBadGraph(input.length, () -> KerasModels.read(json));
  }
}
