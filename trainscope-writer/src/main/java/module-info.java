/**
 * The logging API that training code calls: {@link dev.trainscope.writer.SummaryWriter} writes
 * scalars, images, histograms, audio, text, PR curves, graphs and hparams to TensorBoard event files.
 * Depends on {@code dev.trainscope.events} (whose messages its API takes, hence {@code requires
 * transitive}) and the JDK.
 */
module dev.trainscope.writer {
  requires transitive dev.trainscope.events;
  // PNG encoding (ImageIO) and WAV clips (javax.sound)
  requires java.desktop;

  exports dev.trainscope.writer;
}
