package dev.trainscope.graph;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the ONNX decoder ({@link OnnxModels#read(byte[])}) over
 * arbitrary bytes. The committed corpus ({@code OnnxFuzzerInputs/}) holds the ONNX files of the
 * graph tests (exported by torch, built with onnx), their weights cut to 16 bytes each.
 */
class OnnxFuzzer {

  @FuzzTest
  void read_anyModelProto_throwsOnlyBadGraph(byte[] input) {
    DecodedGraphs.decodeOrBadGraph(input.length, () -> OnnxModels.read(input));
  }
}
