/**
 * TensorBoard's event-file format: TFRecord framing with masked CRC32C ({@code dev.trainscope.events}),
 * the summary messages ({@code dev.trainscope.events.proto}) and what a tag means ({@code
 * dev.trainscope.events.meaning}). JDK only.
 *
 * <p>The protobuf wire codec ({@code dev.trainscope.events.wire}) is exported only to the modules
 * that lay out or read protobuf bytes themselves: the writer, the run store ({@code
 * dev.trainscope.data}, its blob headers) and the graph module (ONNX files). The plugins' payload
 * codecs ({@code dev.trainscope.events.plugins}: hparams, PR curves, audio...) are exported to the
 * writer only: other code reads those payloads through the run store.
 */
// dev.trainscope.data and dev.trainscope.graph are automatic modules (their jars' Automatic-Module-Name),
// which javac does not see when it compiles this module
@SuppressWarnings("module")
module dev.trainscope.events {
  exports dev.trainscope.events;
  exports dev.trainscope.events.meaning;
  exports dev.trainscope.events.proto;
  exports dev.trainscope.events.plugins to dev.trainscope.writer;
  exports dev.trainscope.events.wire to dev.trainscope.writer, dev.trainscope.data, dev.trainscope.graph;
}
