package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Objects;

/**
 * A loss that computes as the loss it wraps and keeps its latest value, so that the listener logs
 * the loss the trainer back-propagated instead of evaluating it once more on the batch (a forward
 * of the loss and a reduction each step). Made by {@link TrainscopeListener#recording(Loss)}.
 */
final class RecordingLoss extends Loss {
  private final Loss loss;
  /** The latest value, until the listener takes it; written on the thread that evaluates. */
  private volatile NDArray latest;

  RecordingLoss(Loss loss) {
    super(Objects.requireNonNull(loss, "loss").getName());
    this.loss = loss;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray value = loss.evaluate(labels, predictions);
    latest = value;
    return value;
  }

  /** The latest value, forgotten once taken (null when none came since the last take). */
  NDArray take() {
    NDArray value = latest;
    latest = null;
    return value;
  }
}
