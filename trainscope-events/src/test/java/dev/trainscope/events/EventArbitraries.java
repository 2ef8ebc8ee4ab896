package dev.trainscope.events;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.ProtoValue;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.LogMessage;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SourceMetadata;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every message of the codec, including the values writers get wrong. */
final class EventArbitraries {
  private EventArbitraries() {}

  // ---- scalars ----

  /** Doubles including NaN, the infinities, both zeros and the extremes. */
  static Arbitrary<Double> doubles() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().withStandardSpecialValues().withSpecialValue(-0.0),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.longBitsToDouble(0x7ff8dead0000beefL)),
        Arbitraries.longs().map(Double::longBitsToDouble));
  }

  static Arbitrary<Float> floats() {
    return Arbitraries.oneOf(
        Arbitraries.floats().withStandardSpecialValues().withSpecialValue(-0.0f),
        Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0.0f,
            Float.MAX_VALUE, Float.MIN_VALUE),
        Arbitraries.integers().map(Float::intBitsToFloat));
  }

  static Arbitrary<Long> longs() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-5, 1L << 41),
        Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40));
  }

  static Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-3, 300),
        Arbitraries.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  /** Valid Unicode text: ASCII mostly, also accents, CJK and astral code points (emoji). */
  static Arbitrary<String> text() {
    Arbitrary<String> codePoints = Arbitraries.integers().between(0, 0x10FFFF)
        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list().ofMaxSize(12)
        .map(cps -> {
          StringBuilder sb = new StringBuilder();
          cps.forEach(sb::appendCodePoint);
          return sb.toString();
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("", "loss", "train/accuracy", "é🚀 émoji", "_hparams_/experiment")),
        net.jqwik.api.Tuple.of(2, codePoints));
  }

  static Arbitrary<byte[]> bytes(int maxSize) {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
  }

  // ---- summary payloads ----

  static Arbitrary<HistogramProto> histograms() {
    Arbitrary<double[]> arrays = doubles().array(double[].class).ofMaxSize(12);
    return Combinators.combine(doubles(), doubles(), doubles(), doubles(), doubles(), arrays, arrays)
        .as(HistogramProto::new);
  }

  static Arbitrary<ImageProto> images() {
    return Combinators.combine(ints(), ints(), Arbitraries.integers().between(0, 6), bytes(64)).as(ImageProto::new);
  }

  static Arbitrary<AudioProto> audios() {
    return Combinators.combine(floats(), longs(), longs(), bytes(64), text()).as(AudioProto::new);
  }

  static Arbitrary<TensorShape> shapes() {
    Arbitrary<TensorShape.Dim> dim = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.longs().between(-1, 6), longs()), text()).as(TensorShape.Dim::new);
    return Arbitraries.oneOf(
        Arbitraries.just(TensorShape.SCALAR),
        Combinators.combine(dim.list().ofMaxSize(3), Arbitraries.of(false, false, true)).as(TensorShape::new));
  }

  /** The typed scalar types a tensor-style scalar may have. */
  static final List<DataType> REAL_TYPES = List.of(DataType.DT_FLOAT, DataType.DT_DOUBLE, DataType.DT_INT32,
      DataType.DT_UINT8, DataType.DT_INT16, DataType.DT_INT8, DataType.DT_INT64, DataType.DT_BOOL,
      DataType.DT_QINT8, DataType.DT_QUINT8, DataType.DT_QINT32, DataType.DT_BFLOAT16, DataType.DT_QINT16,
      DataType.DT_QUINT16, DataType.DT_UINT16, DataType.DT_HALF, DataType.DT_UINT32, DataType.DT_UINT64);

  /**
   * Tensors as writers produce them: one representation, the one their dtype uses, or whole
   * elements of {@code tensor_content}; strings; complex numbers; shapes of any rank.
   */
  static Arbitrary<TensorProto> tensors() {
    Arbitrary<DataType> types = Arbitraries.oneOf(Arbitraries.of(REAL_TYPES),
        Arbitraries.of(DataType.DT_STRING, DataType.DT_COMPLEX64, DataType.DT_COMPLEX128, DataType.DT_INVALID));
    return Combinators.combine(types, shapes(), Arbitraries.integers().between(0, 12), Arbitraries.of(false, true),
        Arbitraries.randoms())
        .as((type, shape, n, asContent, random) -> typedTensor(type, shape, n, asContent, random));
  }

  /** A tensor of {@code n} elements of {@code type}, in its typed field or as tensor_content. */
  static TensorProto typedTensor(DataType type, TensorShape shape, int n, boolean asContent, java.util.Random random) {
    if (type == DataType.DT_STRING) {
      List<byte[]> s = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] b = new byte[random.nextInt(20)];
        random.nextBytes(b);
        s.add(b);
      }
      return TensorProto.ofStrings(shape, s);
    }
    if (asContent && type.width() > 0) {
      byte[] content = new byte[n * type.width()];
      random.nextBytes(content);
      return TensorProto.ofContent(type, shape, content);
    }
    int code = type.code();
    switch (type) {
      case DT_FLOAT: return TensorProto.ofFloats(shape, randomFloats(random, n));
      case DT_DOUBLE: return TensorProto.ofDoubles(shape, randomDoubles(random, n));
      case DT_INT64: return TensorProto.ofInt64s(shape, random.longs(n).toArray());
      case DT_UINT64:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null, null, null, null, null,
            random.longs(n).toArray());
      case DT_UINT32:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null, null, null, null,
            random.longs(n, 0, 1L << 32).toArray(), null);
      case DT_BOOL: {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
          b[i] = random.nextBoolean();
        }
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, b, null, null, null, null, null);
      }
      case DT_HALF: case DT_BFLOAT16:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null,
            random.ints(n, 0, 1 << 16).toArray(), null, null, null, null);
      case DT_COMPLEX64:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null, null,
            randomFloats(random, 2 * n), null, null, null);
      case DT_COMPLEX128:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null, null, null,
            randomDoubles(random, 2 * n), null, null);
      case DT_INVALID:
        return new TensorProto(code, shape, 0, null, null, null, null, null, null, null, null, null, null, null, null);
      default: { // the int_val types
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = random.nextInt();
        }
        return new TensorProto(code, shape, 0, null, null, null, v, null, null, null, null, null, null, null, null);
      }
    }
  }

  private static float[] randomFloats(java.util.Random random, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = random.nextInt(8) == 0 ? Float.NaN : Float.intBitsToFloat(random.nextInt());
    }
    return f;
  }

  private static double[] randomDoubles(java.util.Random random, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Double.longBitsToDouble(random.nextLong());
    }
    return d;
  }

  /** Tensors with every field set independently, however inconsistent: the codec must keep them. */
  static Arbitrary<TensorProto> rawTensors() {
    Arbitrary<int[]> intArrays = ints().array(int[].class).ofMaxSize(5);
    Arbitrary<long[]> longArrays = longs().array(long[].class).ofMaxSize(5);
    Arbitrary<float[]> floatArrays = floats().array(float[].class).ofMaxSize(5);
    Arbitrary<double[]> doubleArrays = doubles().array(double[].class).ofMaxSize(5);
    Arbitrary<long[]> uint32s = Arbitraries.longs().between(0, 0xFFFFFFFFL).array(long[].class).ofMaxSize(5);
    Arbitrary<boolean[]> bools = Arbitraries.of(true, false).array(boolean[].class).ofMaxSize(5);
    Arbitrary<List<byte[]>> strings = bytes(8).list().ofMaxSize(3);
    return Combinators.combine(
        Combinators.combine(ints(), shapes(), ints(), bytes(16), floatArrays, doubleArrays, intArrays, strings)
            .as(List::<Object>of),
        Combinators.combine(longArrays, bools, intArrays, floatArrays, doubleArrays, uint32s, longArrays)
            .as(List::<Object>of))
        .as((a, b) -> new TensorProto((Integer) a.get(0), (TensorShape) a.get(1), (Integer) a.get(2),
            (byte[]) a.get(3), (float[]) a.get(4), (double[]) a.get(5), (int[]) a.get(6), castBytes(a.get(7)),
            (long[]) b.get(0), (boolean[]) b.get(1), (int[]) b.get(2), (float[]) b.get(3), (double[]) b.get(4),
            (long[]) b.get(5), (long[]) b.get(6)));
  }

  @SuppressWarnings("unchecked")
  private static List<byte[]> castBytes(Object o) {
    return (List<byte[]>) o;
  }

  static Arbitrary<SummaryMetadata> metadata() {
    Arbitrary<SummaryMetadata.PluginData> plugin = Combinators.combine(
        Arbitraries.oneOf(text(), Arbitraries.of("scalars", "images", "pr_curves", "hparams", "")), bytes(24))
        .as(SummaryMetadata.PluginData::new);
    return Combinators.combine(plugin.injectNull(0.2), text(), text(), Arbitraries.oneOf(Arbitraries.integers().between(0, 3), ints()))
        .as(SummaryMetadata::new);
  }

  static Arbitrary<SummaryValue.Kind> valueKinds() {
    return valueKinds(true);
  }

  /** @param rawTensors also tensors whose fields contradict their dtype (the codec keeps them) */
  static Arbitrary<SummaryValue.Kind> valueKinds(boolean rawTensors) {
    if (!rawTensors) {
      return Arbitraries.oneOf(floats().map(SummaryValue.SimpleValue::new),
          bytes(16).map(SummaryValue.ObsoleteOldStyleHistogram::new), histograms(), images(), audios(), tensors());
    }
    return Arbitraries.oneOf(
        floats().map(SummaryValue.SimpleValue::new),
        Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f)
            .map(SummaryValue.SimpleValue::new),
        bytes(16).map(SummaryValue.ObsoleteOldStyleHistogram::new),
        histograms(), images(), audios(), tensors(), rawTensors());
  }

  static Arbitrary<SummaryValue> summaryValues() {
    return summaryValues(true);
  }

  static Arbitrary<SummaryValue> summaryValues(boolean rawTensors) {
    return Combinators.combine(Arbitraries.oneOf(Arbitraries.just(""), text()), text(),
        metadata().injectNull(0.6), valueKinds(rawTensors).injectNull(0.05)).as(SummaryValue::new);
  }

  // ---- events ----

  static Arbitrary<Event.Payload> payloads() {
    return payloads(true);
  }

  static Arbitrary<Event.Payload> payloads(boolean rawTensors) {
    // summaries are most of any real file
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, text().map(Event.FileVersion::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("brain.Event:2", "brain.Event:1").map(Event.FileVersion::new)),
        net.jqwik.api.Tuple.of(1, bytes(64).map(Event.GraphDef::new)),
        net.jqwik.api.Tuple.of(1, bytes(64).map(Event.MetaGraphDef::new)),
        net.jqwik.api.Tuple.of(8, summaryValues(rawTensors).list().ofMaxSize(5).map(Summary::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(0, 10, 20, 30, 40, 50, -1), text())
            .as(LogMessage::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.integers().between(0, 3), text(), text())
            .as(SessionLog::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(text(), bytes(32)).as(TaggedRunMetadata::new)));
  }

  static Arbitrary<Event> events() {
    return events(true);
  }

  /** @param rawTensors see {@link #valueKinds(boolean)} */
  static Arbitrary<Event> events(boolean rawTensors) {
    return Combinators.combine(doubles(), longs(), payloads(rawTensors).injectNull(0.05),
        text().map(SourceMetadata::new).injectNull(0.7)).as(Event::new);
  }

  // ---- hparams ----

  static Arbitrary<ProtoValue> protoValues(int depth) {
    Arbitrary<ProtoValue> leaves = Arbitraries.oneOf(
        doubles().map(ProtoValue.Number::new),
        text().map(ProtoValue.Text::new),
        Arbitraries.of(true, false).map(ProtoValue.Bool::new),
        Arbitraries.just(ProtoValue.Null.INSTANCE));
    if (depth == 0) {
      return leaves;
    }
    Arbitrary<ProtoValue> nested = protoValues(depth - 1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaves),
        net.jqwik.api.Tuple.of(1, nested.list().ofMaxSize(3).map(ProtoValue.ListValue::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.maps(text(), nested).ofMaxSize(3).map(ProtoValue.Struct::new)));
  }

  static Arbitrary<HParamsPluginData> hparams() {
    Arbitrary<ProtoValue> simple = Arbitraries.oneOf(doubles().map(ProtoValue.Number::new),
        text().map(ProtoValue.Text::new), Arbitraries.of(true, false).map(ProtoValue.Bool::new));
    Arbitrary<HParamsPluginData.Interval> interval = Combinators.combine(doubles(), doubles())
        .as(HParamsPluginData.Interval::new);
    Arbitrary<HParamsPluginData.HParamInfo> info = Arbitraries.oneOf(
        Combinators.combine(text(), text(), text(), Arbitraries.integers().between(0, 3), simple.list().ofMaxSize(4))
            .as((n, d, desc, t, discrete) -> new HParamsPluginData.HParamInfo(n, d, desc, t, discrete, null)),
        Combinators.combine(text(), text(), text(), Arbitraries.integers().between(0, 3), interval)
            .as((n, d, desc, t, iv) -> new HParamsPluginData.HParamInfo(n, d, desc, t, null, iv)),
        Combinators.combine(text(), Arbitraries.integers().between(0, 3))
            .as((n, t) -> new HParamsPluginData.HParamInfo(n, "", "", t, null, null)));
    Arbitrary<HParamsPluginData.MetricInfo> metric = Combinators.combine(
        Combinators.combine(text(), text()).as(HParamsPluginData.MetricName::new).injectNull(0.1),
        text(), text(), Arbitraries.integers().between(0, 2)).as(HParamsPluginData.MetricInfo::new);
    Arbitrary<HParamsPluginData.Data> experiment = Combinators.combine(text(), text(), text(), doubles(),
        info.list().ofMaxSize(5), metric.list().ofMaxSize(3)).as(HParamsPluginData.Experiment::new);
    Arbitrary<Map<String, ProtoValue>> hparamValues = Arbitraries.maps(text(),
        Arbitraries.oneOf(simple, protoValues(2))).ofMaxSize(6).map(LinkedHashMap::new);
    Arbitrary<HParamsPluginData.Data> start = Combinators.combine(hparamValues, text(), text(), text(), doubles())
        .as(HParamsPluginData.SessionStartInfo::new);
    Arbitrary<HParamsPluginData.Data> end = Combinators.combine(Arbitraries.integers().between(0, 3), doubles())
        .as(HParamsPluginData.SessionEndInfo::new);
    return Combinators.combine(Arbitraries.of(0, 1, 2), Arbitraries.oneOf(experiment, start, end).injectNull(0.05))
        .as(HParamsPluginData::new);
  }

  /** The value a well-formed rank-0 tensor reads as: its first stored element, or 0 with none. */
  static double expectedScalar(TensorProto t) {
    return t.storedCount() == 0 ? 0 : t.storedDouble(0);
  }

  /** Little-endian bytes of one element, for hand-built tensor_content. */
  static byte[] le(int width, long bits) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bits);
    return java.util.Arrays.copyOf(b.array(), width);
  }
}
