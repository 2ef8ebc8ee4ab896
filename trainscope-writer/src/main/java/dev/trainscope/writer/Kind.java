package dev.trainscope.writer;

import dev.trainscope.events.plugins.AudioPluginData;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.SummaryMetadata;

/**
 * What a tag holds, with the plugin metadata TensorFlow 2's summary ops give its first value. A tag
 * keeps one kind for the life of a writer: TensorBoard reads a tag's plugin from its first value,
 * so mixing kinds under one tag would hide the later ones.
 */
enum Kind {
  SCALAR("scalar", PluginNames.SCALARS, SummaryMetadata.DATA_CLASS_SCALAR),
  HISTOGRAM("histogram", PluginNames.HISTOGRAMS, SummaryMetadata.DATA_CLASS_TENSOR),
  IMAGE("image", PluginNames.IMAGES, SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE),
  TEXT("text", PluginNames.TEXT, SummaryMetadata.DATA_CLASS_TENSOR),
  AUDIO("audio", PluginNames.AUDIO, SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE),
  PR_CURVE("pr_curve", PluginNames.PR_CURVES, SummaryMetadata.DATA_CLASS_TENSOR),
  HPARAMS("hparams", PluginNames.HPARAMS, SummaryMetadata.DATA_CLASS_TENSOR),
  /** A custom scalars layout: TensorBoard's plugin sets no data class. */
  CUSTOM_SCALARS("custom scalars layout", PluginNames.CUSTOM_SCALARS, SummaryMetadata.DATA_CLASS_UNKNOWN),
  /** A raw tensor with metadata the caller gives. */
  TENSOR("tensor", null, SummaryMetadata.DATA_CLASS_UNKNOWN);

  private static final byte[] VERSION_0 = VersionedPluginData.V0.toByteArray();

  final String noun;
  final String pluginName;
  final int dataClass;

  Kind(String noun, String pluginName, int dataClass) {
    this.noun = noun;
    this.pluginName = pluginName;
    this.dataClass = dataClass;
  }

  /**
   * The audio plugin's content: an {@code AudioPluginData} of version 0 with encoding {@code WAV},
   * as TensorFlow's {@code tf.summary.audio} writes it.
   */
  private static final byte[] AUDIO_WAV = new AudioPluginData(0, AudioPluginData.ENCODING_WAV).toByteArray();

  /**
   * The metadata of this kind's plugins: a version-0 message (empty bytes), the audio plugin's
   * with its encoding.
   */
  SummaryMetadata metadata() {
    return SummaryMetadata.forPlugin(pluginName, this == AUDIO ? AUDIO_WAV.clone() : VERSION_0, dataClass);
  }
}
