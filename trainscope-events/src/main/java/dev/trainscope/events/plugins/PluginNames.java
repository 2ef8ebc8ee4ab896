package dev.trainscope.events.plugins;

/** The {@code plugin_name} strings TensorBoard's plugins register, and the tags some of them use. */
public final class PluginNames {
  private PluginNames() {}

  public static final String SCALARS = "scalars";
  public static final String HISTOGRAMS = "histograms";
  public static final String IMAGES = "images";
  public static final String AUDIO = "audio";
  public static final String TEXT = "text";
  public static final String PR_CURVES = "pr_curves";
  public static final String HPARAMS = "hparams";
  public static final String GRAPH_KERAS_MODEL = "graph_keras_model";
  public static final String CUSTOM_SCALARS = "custom_scalars";
  public static final String MESH = "mesh";

  public static final String HPARAMS_EXPERIMENT_TAG = "_hparams_/experiment";
  public static final String HPARAMS_SESSION_START_TAG = "_hparams_/session_start_info";
  public static final String HPARAMS_SESSION_END_TAG = "_hparams_/session_end_info";
}
