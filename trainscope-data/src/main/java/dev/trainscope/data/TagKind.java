package dev.trainscope.data;

/** What a tag holds, as the store keeps it. */
public enum TagKind {
  /** One number per step, kept whole in a compressed series. */
  SCALAR,
  /** Buckets per step (legacy HistogramProto or tensor [k, 3]); also shown as distributions. */
  HISTOGRAM,
  /** Encoded images per step; the bytes stay in the file. */
  IMAGE,
  /** Encoded audio clips per step; the bytes stay in the file. */
  AUDIO,
  /** Markdown strings per step. */
  TEXT,
  /** Precision-recall curves per step. */
  PR_CURVE,
  /** Hyperparameter experiment or session data. */
  HPARAMS,
  /** A model graph: a GraphDef ({@code __run_graph__}) or a Keras model config. */
  GRAPH,
  /** Run metadata (tagged_run_metadata): profiling and memory data of a step. */
  RUN_METADATA,
  /**
   * A part (vertices, faces or colours) of a mesh of the mesh plugin; the bytes stay in the file.
   * {@link LogdirData#meshes} groups the parts into meshes.
   */
  MESH,
  /**
   * A layout of TensorBoard's custom scalars dashboard (tag {@code custom_scalars__config__}):
   * categories of multiline and margin charts over scalar tags; the bytes stay in the file.
   */
  CUSTOM_SCALARS,
  /** Any other tensor; the bytes stay in the file. */
  TENSOR,
  /**
   * An embedding for the projector: vectors named by a {@code projector_config.pbtxt} beside the
   * run's event files, or a rank-2 tensor logged without a plugin (which is also listed as TENSOR).
   */
  EMBEDDING
}
