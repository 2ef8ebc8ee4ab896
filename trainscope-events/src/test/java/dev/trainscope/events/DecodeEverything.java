package dev.trainscope.events;

import dev.trainscope.events.plugins.AudioPluginData;
import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.wire.ProtoReader;
import java.util.function.Supplier;

/**
 * A handler that asks for everything a reader of the file could: every part of every event and
 * every value, and what each plugin makes of a payload (scalars, histograms, images, audio, text,
 * PR curves, hparams), whatever the plugin name says. Each decoding is tried on its own, so bad
 * bytes in one leave the others tried; {@link MalformedProtoException} is the one exception a
 * decoder may throw (counted in {@link #malformed}), anything else escapes the scan.
 */
class DecodeEverything implements EventHandler {
  long events;
  long values;
  long malformed;
  long problems;

  @Override
  public void onEvent(EventView e) {
    events++;
    attempt(e::decode);
    attempt(e::fileVersion);
    attempt(e::sourceWriter);
    attempt(e::graphBytes);
    attempt(e::sessionLog);
    attempt(e::logMessage);
    attempt(e::taggedRunMetadata);
  }

  @Override
  public void onValue(EventView e, ValueView v) {
    values++;
    attempt(v::tag);
    attempt(v::decode);
    attempt(v::pluginName);
    if (attempt(v::isScalar) == Boolean.TRUE) {
      attempt(v::scalar);
    }
    HistogramProto h = attempt(v::histogram);
    if (h != null) {
      attempt(() -> PluginTensors.histogram(h));
    }
    attempt(v::image);
    attempt(v::audio);
    attempt(() -> v.readPayload((b, off, len) -> skipAll(ProtoReader.of(b, off, len))));
    SummaryMetadata md = attempt(v::metadata);
    if (md != null && md.pluginData() != null) {
      pluginContent(md.pluginData().content());
    }
    TensorProto t = attempt(v::tensor);
    if (t != null) {
      tensor(t);
    }
  }

  @Override
  public void onProblem(Problem problem) {
    problems++;
  }

  /** What each plugin reads from its metadata's content. */
  void pluginContent(byte[] content) {
    attempt(() -> HParamsPluginData.parse(content));
    attempt(() -> PrCurvePluginData.parse(content));
    attempt(() -> AudioPluginData.parse(content));
    attempt(() -> MeshPluginData.parse(content));
    attempt(() -> VersionedPluginData.parse(content));
  }

  /** What each plugin reads from a value's tensor. */
  void tensor(TensorProto t) {
    attempt(t::numElements);
    attempt(t::storedCount);
    attempt(t::isScalar);
    attempt(t::toDoubleArray);
    attempt(t::strings);
    attempt(t::utf8Strings);
    attempt(() -> PluginTensors.histogram(t));
    attempt(() -> PluginTensors.images(t));
    attempt(() -> PluginTensors.prCurve(t));
    attempt(() -> PluginTensors.text(t));
  }

  private static int skipAll(ProtoReader r) {
    int fields = 0;
    for (int tag; (tag = r.readTag()) != 0; fields++) {
      r.skipField(tag);
    }
    return fields;
  }

  private <T> T attempt(Supplier<T> decode) {
    try {
      return decode.get();
    } catch (MalformedProtoException e) {
      malformed++;
      return null;
    }
  }
}
