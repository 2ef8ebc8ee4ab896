/**
 * {@link dev.trainscope.djl.TrainscopeListener}, a DJL training listener that logs a network's insides
 * to TensorBoard event files through {@code dev.trainscope.writer}. Needs DJL's API ({@code
 * ai.djl.api}), which the application brings with the engine of its choice.
 */
module dev.trainscope.djl {
  requires transitive dev.trainscope.writer;
  requires transitive ai.djl.api;
  requires java.desktop;

  exports dev.trainscope.djl;
}
