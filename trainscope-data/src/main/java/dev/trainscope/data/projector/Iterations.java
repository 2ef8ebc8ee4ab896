package dev.trainscope.data.projector;

/**
 * Told of each iteration of an iterative projection (t-SNE's iterations, UMAP's epochs) as it
 * runs, with the layout as it is; may stop the run by throwing {@link
 * java.util.concurrent.CancellationException}.
 */
@FunctionalInterface
public interface Iterations {
  /** Ignores every iteration. */
  Iterations NONE = (done, layout) -> {};

  /**
   * Called after each iteration, on the thread that runs the projection.
   *
   * @param done iterations done, 1 after the first
   * @param layout {@code dims} numbers per point, as they are now: read it before returning, it
   *     changes with the next iteration
   */
  void done(int done, float[] layout);
}
