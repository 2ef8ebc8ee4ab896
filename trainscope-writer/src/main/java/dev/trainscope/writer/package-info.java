/**
 * The logging API training code calls: {@link dev.trainscope.writer.SummaryWriter} writes
 * TensorBoard event files (scalars, histograms, images, text, PR curves, hparams, raw tensors) that
 * TensorBoard and Trainscope read; {@link dev.trainscope.writer.Images}, {@link
 * dev.trainscope.writer.Histogram} and {@link dev.trainscope.writer.Denormalize} turn training
 * tensors into what it logs. Depends on trainscope-events and the JDK only.
 */
package dev.trainscope.writer;
