package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.AudioPluginData;
import dev.trainscope.events.plugins.MeshPluginData;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.LogMessage;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SourceMetadata;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.opentest4j.AssertionFailedError;

/**
 * Hostile bytes for every decoder: random bytes and damaged valid messages either decode or throw
 * {@link MalformedProtoException}, never anything else (no IndexOutOfBounds, no
 * NegativeArraySize, no OutOfMemory); what decodes is stable (re-encoded, it decodes the same); and
 * a handler that asks for everything can scan a file of damaged events without an exception
 * escaping the scan.
 */
class ProtoFuzzTest {

  /** Every decoder of the module, by name, over a whole array. */
  static final Map<String, Function<byte[], Object>> DECODERS = new LinkedHashMap<>();

  static {
    DECODERS.put("Event", Event::parse);
    DECODERS.put("SummaryValue", b -> SummaryValue.parse(b));
    DECODERS.put("TensorProto", b -> TensorProto.parse(b));
    DECODERS.put("TensorShape", b -> TensorShape.parse(b));
    DECODERS.put("HistogramProto", b -> HistogramProto.parse(b));
    DECODERS.put("ImageProto", b -> ImageProto.parse(b));
    DECODERS.put("AudioProto", b -> AudioProto.parse(b));
    DECODERS.put("SummaryMetadata", b -> SummaryMetadata.parse(b));
    DECODERS.put("SessionLog", b -> SessionLog.parse(b));
    DECODERS.put("LogMessage", b -> LogMessage.parse(b));
    DECODERS.put("TaggedRunMetadata", b -> TaggedRunMetadata.parse(b));
    DECODERS.put("SourceMetadata", b -> SourceMetadata.parse(b));
    DECODERS.put("HParamsPluginData", HParamsPluginData::parse);
    DECODERS.put("PrCurvePluginData", PrCurvePluginData::parse);
    DECODERS.put("AudioPluginData", AudioPluginData::parse);
    DECODERS.put("MeshPluginData", MeshPluginData::parse);
    DECODERS.put("VersionedPluginData", VersionedPluginData::parse);
  }

  /** Decodes, or returns null on MalformedProtoException; anything else fails the property. */
  static Object decodeOrNull(String name, byte[] bytes) {
    try {
      return DECODERS.get(name).apply(bytes);
    } catch (MalformedProtoException e) {
      assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, name + ": offset " + e.offset() + " within the input");
      return null;
    } catch (RuntimeException | Error e) {
      throw new AssertionFailedError(name + " threw " + e + " on " + java.util.HexFormat.of().formatHex(bytes), e);
    }
  }

  static void assertStable(String name, Object decoded) {
    if (decoded == null) {
      return;
    }
    byte[] again;
    try {
      // every message type of DECODERS has a public toByteArray()
      again = (byte[]) decoded.getClass().getMethod("toByteArray").invoke(decoded);
    } catch (ReflectiveOperationException e) {
      throw new AssertionFailedError(name + " cannot be encoded again: " + e, e);
    }
    assertEquals(decoded, DECODERS.get(name).apply(again), name + " re-encoded decodes the same");
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
  }

  /** Bytes that look like protobuf: mostly small keys, lengths and varint continuation bytes. */
  @Provide
  Arbitrary<byte[]> protoLikeBytes() {
    return Arbitraries.oneOf(
        Arbitraries.of((byte) 0x08, (byte) 0x0A, (byte) 0x10, (byte) 0x12, (byte) 0x1A, (byte) 0x22, (byte) 0x2A,
            (byte) 0x32, (byte) 0x3A, (byte) 0x42, (byte) 0x4A, (byte) 0x09, (byte) 0x15, (byte) 0x0B, (byte) 0x0C,
            (byte) 0x80, (byte) 0xFF, (byte) 0x7F, (byte) 0x01, (byte) 0x02, (byte) 0x00),
        Arbitraries.bytes().between((byte) 0, (byte) 12))
        .array(byte[].class).ofMaxSize(60);
  }

  @Property(tries = 1500)
  void decoders_randomBytes_throwOnlyMalformedProtoException(@ForAll("randomBytes") byte[] bytes) {
    for (String name : DECODERS.keySet()) {
      assertStable(name, decodeOrNull(name, bytes));
    }
  }

  @Property(tries = 1500)
  void decoders_protoLikeBytes_throwOnlyMalformedProtoException(@ForAll("protoLikeBytes") byte[] bytes) {
    for (String name : DECODERS.keySet()) {
      assertStable(name, decodeOrNull(name, bytes));
    }
  }

  @Provide
  Arbitrary<Event> events() {
    return EventArbitraries.events();
  }

  @Provide
  Arbitrary<List<ScannerFuzzTest.Corruption>> damage() {
    return new ScannerFuzzTest().corruptions();
  }

  static byte[] damaged(byte[] valid, List<ScannerFuzzTest.Corruption> damage) {
    ScannerFuzzTest.Damaged d = new ScannerFuzzTest.Damaged(valid);
    damage.forEach(d::apply);
    return d.bytes;
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void event_damagedEncoding_decodesOrThrowsMalformed(@ForAll("events") Event event,
      @ForAll("damage") List<ScannerFuzzTest.Corruption> damage) {
    byte[] bytes = damaged(event.toByteArray(), damage);
    assertStable("Event", decodeOrNull("Event", bytes));
  }

  @Provide
  Arbitrary<HParamsPluginData> hparams() {
    return EventArbitraries.hparams();
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void hparams_damagedEncoding_decodesOrThrowsMalformed(@ForAll("hparams") HParamsPluginData data,
      @ForAll("damage") List<ScannerFuzzTest.Corruption> damage) {
    byte[] bytes = damaged(data.toByteArray(), damage);
    assertStable("HParamsPluginData", decodeOrNull("HParamsPluginData", bytes));
  }

  // ---- what plugins make of decoded tensors ----

  @Provide
  Arbitrary<TensorProto> anyTensors() {
    return Arbitraries.oneOf(EventArbitraries.tensors(), EventArbitraries.rawTensors(), pluginShapedTensors());
  }

  /** Tensors shaped like plugin payloads ([k, 3], [6, n], [2 + n] strings), with sizes that disagree. */
  static Arbitrary<TensorProto> pluginShapedTensors() {
    Arbitrary<Long> dim = Arbitraries.oneOf(Arbitraries.longs().between(-2, 8), Arbitraries.of(6L, 3L, -1L));
    Arbitrary<TensorShape> shape = dim.list().ofMinSize(1).ofMaxSize(2)
        .map(l -> TensorShape.of(l.stream().mapToLong(Long::longValue).toArray()));
    return net.jqwik.api.Combinators.combine(Arbitraries.of(EventArbitraries.REAL_TYPES), shape,
        Arbitraries.integers().between(0, 30), Arbitraries.of(true, false), Arbitraries.randoms())
        .as(EventArbitraries::typedTensor);
  }

  /** Calls what a dashboard would call on a tensor; only MalformedProtoException may come out. */
  static void useAsPlugins(TensorProto t) {
    List<Runnable> uses = new ArrayList<>();
    uses.add(t::storedCount);
    uses.add(t::isScalar);
    uses.add(t::toString);
    {
      uses.add(t::toDoubleArray);
      uses.add(t::strings);
      uses.add(t::utf8Strings);
      uses.add(() -> PluginTensors.histogram(t));
      uses.add(() -> PluginTensors.images(t));
      uses.add(() -> PluginTensors.prCurve(t));
      uses.add(() -> PluginTensors.text(t));
    }
    for (Runnable use : uses) {
      try {
        use.run();
      } catch (MalformedProtoException expected) {
        // bad data, said so
      } catch (RuntimeException | Error e) {
        throw new AssertionFailedError("on " + t + " shape " + t.shape() + ": " + e, e);
      }
    }
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
  void pluginTensors_onAnyTensor_throwOnlyMalformedProtoException(@ForAll("anyTensors") TensorProto tensor) {
    useAsPlugins(tensor);
  }

  @Provide
  Arbitrary<HistogramProto> histograms() {
    return EventArbitraries.histograms();
  }

  @Property(tries = 500)
  void pluginTensors_legacyHistogramWithAnyBucketArrays_throwsOnlyMalformed(@ForAll("histograms") HistogramProto h) {
    try {
      PluginTensors.Buckets b = PluginTensors.histogram(h);
      assertEquals(h.bucket().length, b.size());
    } catch (MalformedProtoException expected) {
      // bad data, said so
    }
  }

  // ---- the scanner with a handler that asks for everything ----

  /** Decodes everything it is given, as a dashboard backend would. */
  static final class Greedy implements EventHandler {
    long values;
    final List<Problem> problems = new ArrayList<>();

    @Override
    public void onEvent(EventView e) {
      e.decode();
      e.fileVersion();
      e.sourceWriter();
      e.graphBytes();
      e.sessionLog();
      e.logMessage();
      e.taggedRunMetadata();
      e.copyBytes();
    }

    @Override
    public void onValue(EventView e, ValueView v) {
      values++;
      v.decode();
      v.tag();
      if (v.isScalar()) {
        v.scalar();
      }
      v.histogram();
      v.image();
      v.audio();
      SummaryMetadata md = v.metadata();
      String plugin = v.pluginName();
      if (md != null && md.pluginData() != null) {
        byte[] content = md.pluginData().content();
        switch (plugin) {
          case "hparams" -> HParamsPluginData.parse(content);
          case "pr_curves" -> PrCurvePluginData.parse(content);
          case "audio" -> AudioPluginData.parse(content);
          case "mesh" -> MeshPluginData.parse(content);
          default -> VersionedPluginData.parse(content);
        }
      }
      TensorProto t = v.tensor();
      if (t != null) {
        useAsPlugins(t);
      }
      if (v.histogram() != null) {
        PluginTensors.histogram(v.histogram());
      }
    }

    @Override
    public void onProblem(Problem problem) {
      problems.add(problem);
    }
  }

  @Provide
  Arbitrary<List<Event>> eventLists() {
    return EventArbitraries.events().list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void scan_damagedEventsInSoundRecords_greedyHandlerSeesOnlyProblems(@ForAll("eventLists") List<Event> events,
      @ForAll("damage") List<ScannerFuzzTest.Corruption> damage, @ForAll int which) {
    List<byte[]> records = new ArrayList<>();
    for (Event e : events) {
      records.add(e.toByteArray());
    }
    // random plugin contents are problems already: note them before the damage
    Greedy before = new Greedy();
    EventScanner.create().scan(new InMemoryChannel(Records.file(records), Integer.MAX_VALUE), "fuzz",
        ScanPosition.START, before);
    int victim = Math.floorMod(which, records.size());
    long victimOffset = Records.offsets(records)[victim];
    records.set(victim, damaged(records.get(victim), damage));
    long shift = Records.offsets(records)[victim + 1] - (victimOffset + TfRecordFormat.framedLength(
        events.get(victim).toByteArray().length));
    Greedy greedy = new Greedy();
    ScanResult r = EventScanner.create().scan(new InMemoryChannel(Records.file(records), Integer.MAX_VALUE),
        "fuzz", ScanPosition.START, greedy);
    assertEquals(records.size(), r.records());
    assertTrue(r.malformedEvents() <= 1);
    List<String> others = new ArrayList<>();
    for (Problem p : greedy.problems) {
      assertTrue(p.kind() == Problem.Kind.MALFORMED_EVENT || p.kind() == Problem.Kind.MALFORMED_VALUE, p.toString());
      if (p.offset() != victimOffset) {
        others.add(p.kind() + "@" + (p.offset() > victimOffset ? p.offset() - shift : p.offset()));
      }
    }
    List<String> expected = new ArrayList<>();
    for (Problem p : before.problems) {
      if (p.offset() != victimOffset) {
        expected.add(p.kind() + "@" + p.offset());
      }
    }
    assertEquals(expected, others, "the other records have the problems they had");
  }
}
