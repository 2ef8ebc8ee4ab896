/**
 * TensorBoard's event-file format: TFRecord framing with masked CRC32C ({@code dev.trainscope.events}),
 * the summary messages and their protobuf wire codec ({@code dev.trainscope.events.proto}) and what a
 * tag means ({@code dev.trainscope.events.meaning}). JDK only.
 *
 * <p>The plugins' payload codecs ({@code dev.trainscope.events.plugins}: hparams, PR curves,
 * audio...) are exported to the writer only: other code reads those payloads through the run store.
 */
module dev.trainscope.events {
  exports dev.trainscope.events;
  exports dev.trainscope.events.meaning;
  exports dev.trainscope.events.proto;
  exports dev.trainscope.events.plugins to dev.trainscope.writer;
}
