package dev.trainscope.graph;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the TensorFlow GraphDef and MetaGraphDef decoders, the
 * format TensorFlow, PyTorch and tensorboardX write graphs in: the input's first byte chooses the
 * decoder (even: {@link TfGraphs#read}, odd: {@link TfGraphs#readMeta}), the rest is the message.
 * The committed corpus ({@code GraphDefFuzzerInputs/}) holds the graphs of the event files in
 * testdata, big ones cut to their first nodes.
 */
class GraphDefFuzzer {

  @FuzzTest
  void read_anyGraphDefOrMetaGraph_throwsOnlyBadGraph(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    DecodedGraphs.decodeOrBadGraph(input.length, (input[0] & 1) == 0 ? () -> TfGraphs.read(message) : () -> TfGraphs.readMeta(message));
  }
}
