package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.SourceMetadata;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner decodes only what a handler asks for: what is never asked for is never parsed (a
 * malformed image costs nothing to a handler that reads scalars), payload positions let a blob be
 * fetched later from the file, tensor-style scalars read right in every dtype, and the views agree
 * with the full decoder.
 */
class LazyDecodingTest {

  static ScanResult scan(byte[] file, EventHandler handler) {
    return EventScanner.create().scan(new InMemoryChannel(file, Integer.MAX_VALUE), "memory", ScanPosition.START, handler);
  }

  static byte[] summaryEvent(long step, byte[]... values) {
    return EventScannerMalformedTest.summaryEvent(step, values);
  }

  static byte[] value(String tag, int field, byte[] payload) {
    ProtoWriter w = new ProtoWriter();
    w.writeStringField(SummaryValue.TAG, tag);
    w.writeBytesFieldAlways(field, payload);
    return w.toByteArray();
  }

  static byte[] scalar(String tag, float v) {
    return EventScannerMalformedTest.scalarValue(tag, v);
  }

  /** A handler that only wants the numbers. */
  static final class ScalarsOnly extends Recorder {
    final Map<String, Double> last = new LinkedHashMap<>();

    @Override
    public void onValue(EventView event, ValueView value) {
      if (value.isScalar()) {
        last.put(value.tag(), value.scalar());
      }
    }
  }

  // ---- nothing is decoded unless asked for ----

  @Test
  void scan_scalarOnlyHandler_neverDecodesMalformedBlobs() {
    byte[] junk = EventScannerMalformedTest.bytes(0x22, 0x7F, 1, 2, 3, 0x08); // a length past the end, a cut varint
    byte[] file = Records.concat(TfRecordFormat.frame(summaryEvent(1,
        scalar("loss", 0.25f),
        value("img", SummaryValue.IMAGE, junk),
        value("hist", SummaryValue.HISTO, junk),
        value("wav", SummaryValue.AUDIO, junk),
        value("old", SummaryValue.OBSOLETE_OLD_STYLE_HISTOGRAM, junk),
        scalar("acc", 0.75f))),
        TfRecordFormat.frame(malformedPayloadEvent(2, Event.SESSION_LOG, junk)),
        TfRecordFormat.frame(malformedPayloadEvent(3, Event.LOG_MESSAGE, junk)),
        TfRecordFormat.frame(malformedPayloadEvent(4, Event.TAGGED_RUN_METADATA, junk)),
        TfRecordFormat.frame(withSourceMetadata(summaryEvent(5, scalar("loss", 0.5f)), junk)));

    ScalarsOnly numbers = new ScalarsOnly();
    ScanResult r = scan(file, numbers);
    assertEquals(Map.of("loss", 0.5, "acc", 0.75), numbers.last);
    assertEquals(List.of(), numbers.problems, "nobody asked for the blobs, so none was parsed");
    assertEquals(5, r.events());

    // the same file, for a handler that does ask: every blob is reported, nothing is thrown
    Recorder greedy = new Recorder() {
      @Override
      public void onEvent(EventView event) {
        super.onEvent(event);
        event.sessionLog();
        event.logMessage();
        event.taggedRunMetadata();
        event.sourceWriter();
      }

      @Override
      public void onValue(EventView event, ValueView value) {
        super.onValue(event, value);
        value.image();
        value.histogram();
        value.audio();
      }
    };
    scan(file, greedy);
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE, Problem.Kind.MALFORMED_VALUE, Problem.Kind.MALFORMED_VALUE,
        Problem.Kind.MALFORMED_EVENT, Problem.Kind.MALFORMED_EVENT, Problem.Kind.MALFORMED_EVENT,
        Problem.Kind.MALFORMED_EVENT), greedy.kinds());
  }

  @Test
  void scan_malformedMetadata_isNotParsedUntilAskedFor() {
    byte[] junkMetadata = EventScannerMalformedTest.bytes(0x0A, 0x7F); // plugin_data running past the end
    ProtoWriter w = new ProtoWriter();
    w.writeStringField(SummaryValue.TAG, "loss");
    w.writeFloatFieldAlways(SummaryValue.SIMPLE_VALUE, 2f);
    w.writeBytesFieldAlways(SummaryValue.METADATA, junkMetadata);
    byte[] file = TfRecordFormat.frame(summaryEvent(1, w.toByteArray()));
    ScalarsOnly numbers = new ScalarsOnly();
    scan(file, numbers);
    assertEquals(Map.of("loss", 2.0), numbers.last);
    assertEquals(List.of(), numbers.problems);

    Recorder asks = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView value) {
        assertTrue(value.hasMetadata(), "presence is known without parsing");
        value.pluginName();
      }
    };
    scan(file, asks);
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE), asks.kinds());
  }

  static byte[] malformedPayloadEvent(long step, int field, byte[] payload) {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(Event.STEP, step);
    w.writeBytesFieldAlways(field, payload);
    return w.toByteArray();
  }

  static byte[] withSourceMetadata(byte[] event, byte[] sourceMetadata) {
    ProtoWriter w = new ProtoWriter();
    w.writeRaw(event, 0, event.length);
    w.writeBytesFieldAlways(Event.SOURCE_METADATA, sourceMetadata);
    return w.toByteArray();
  }

  // ---- payload positions ----

  /** Where a blob is, as a store would keep it after the scan. */
  record BlobRef(long recordOffset, int payloadOffset, int payloadLength, ValueKind kind, SummaryValue expected) {}

  @Test
  void valueView_payloadOffsetAndLength_locateThePayloadInTheFile(@TempDir Path dir) throws IOException {
    byte[] png = new byte[3000];
    new java.util.Random(5).nextBytes(png);
    List<SummaryValue> values = List.of(
        SummaryValue.of("loss", null, new SummaryValue.SimpleValue(-0.0f)),
        SummaryValue.of("img", SummaryMetadata.forPlugin("images", new byte[0], 0), new ImageProto(24, 32, 3, png)),
        SummaryValue.of("hist", null, new HistogramProto(-1, 3, 10, 7, 15, new double[] {0, 1, 3}, new double[] {2, 5, 3})),
        SummaryValue.of("wav", null, new AudioProto(8000f, 1, 2000, java.util.Arrays.copyOf(png, 444), "audio/wav")),
        SummaryValue.of("t", null, TensorProto.ofDoubles(TensorShape.of(2, 3), 1, 2, 3, 4, 5, 6)),
        SummaryValue.of("old", null, new SummaryValue.ObsoleteOldStyleHistogram(new byte[] {1, 2, 3})));
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(new Event(100 + i, i, new Summary(values), new SourceMetadata("test")).toByteArray());
    }
    Path file = dir.resolve("events.out.tfevents.1.test");
    Files.write(file, Records.file(records));

    for (RecordScanner framing : List.of(RecordScanner.create(), RecordScanner.create(true, 64))) {
      List<BlobRef> refs = new ArrayList<>();
      EventScanner.create(framing).scan(file, new EventHandler() {
        @Override
        public void onValue(EventView event, ValueView value) {
          refs.add(new BlobRef(event.recordOffset(), value.payloadOffset(), value.payloadLength(), value.kind(),
              values.get(value.index())));
        }
      });
      assertEquals(5 * values.size(), refs.size());
      try (FileChannel ch = FileChannel.open(file)) {
        for (BlobRef ref : refs) {
          ByteBuffer b = ByteBuffer.allocate(ref.payloadLength());
          ch.read(b, ref.recordOffset() + TfRecordFormat.HEADER_LENGTH + ref.payloadOffset());
          byte[] bytes = b.array();
          SummaryValue.Kind expected = ref.expected().value();
          switch (ref.kind()) {
            case SIMPLE_VALUE -> assertEquals(Float.floatToRawIntBits(((SummaryValue.SimpleValue) expected).value()),
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(), "raw float bits, -0.0 kept");
            case IMAGE -> assertEquals(expected, ImageProto.parse(bytes));
            case HISTO -> assertEquals(expected, HistogramProto.parse(bytes));
            case AUDIO -> assertEquals(expected, AudioProto.parse(bytes));
            case TENSOR -> assertEquals(expected, TensorProto.parse(bytes));
            case OBSOLETE_OLD_STYLE_HISTOGRAM ->
                assertArrayEquals(((SummaryValue.ObsoleteOldStyleHistogram) expected).bytes(), bytes);
            default -> throw new AssertionError(ref.kind());
          }
        }
      }
    }
  }

  // ---- tensor-style scalars ----

  static byte[] tensor(int dtype, Consumer<ProtoWriter> values) {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(1, dtype);
    w.writeMessageField(2, sw -> { }); // rank 0, as the scalars plugin writes it
    values.accept(w);
    return w.toByteArray();
  }

  static Consumer<ProtoWriter> content(byte[] le) {
    return w -> w.writeBytesFieldAlways(4, le);
  }

  static Consumer<ProtoWriter> varints(int field, long... v) {
    return w -> w.writePackedVarints(field, v);
  }

  static Consumer<ProtoWriter> unpackedVarint(int field, long v) {
    return w -> {
      w.writeTag(field, ProtoReader.VARINT);
      w.writeVarint64(v);
    };
  }

  static byte[] le(int width, long bits) {
    return EventArbitraries.le(width, bits);
  }

  /** Rank-0 tensors in each representation, and the number each must read as. */
  static Map<String, Object[]> scalarTensors() {
    Map<String, Object[]> m = new LinkedHashMap<>();
    int f = DataType.DT_FLOAT.code();
    int d = DataType.DT_DOUBLE.code();
    m.put("float_val packed", new Object[] {tensor(f, w -> w.writePackedFloats(5, new float[] {1.5f})), 1.5});
    m.put("float_val unpacked", new Object[] {tensor(f, w -> w.writeFloatFieldAlways(5, -3.25f)), -3.25});
    m.put("float_val NaN", new Object[] {tensor(f, w -> w.writePackedFloats(5, new float[] {Float.NaN})), Double.NaN});
    m.put("float_val -inf", new Object[] {tensor(f, w -> w.writePackedFloats(5, new float[] {Float.NEGATIVE_INFINITY})),
        Double.NEGATIVE_INFINITY});
    m.put("float_val two values: the first", new Object[] {tensor(f, w -> w.writePackedFloats(5, new float[] {7, 8})), 7.0});
    m.put("float ref type (101)", new Object[] {tensor(101, w -> w.writePackedFloats(5, new float[] {2.5f})), 2.5});
    m.put("double_val packed", new Object[] {tensor(d, w -> w.writePackedDoubles(6, new double[] {0.1})), 0.1});
    m.put("double_val unpacked", new Object[] {tensor(d, w -> w.writeDoubleFieldAlways(6, -1e300)), -1e300});
    m.put("int_val int32 negative", new Object[] {tensor(DataType.DT_INT32.code(), varints(7, -7)), -7.0});
    m.put("int_val int32 unpacked", new Object[] {tensor(DataType.DT_INT32.code(), unpackedVarint(7, 123456)), 123456.0});
    m.put("int_val uint8", new Object[] {tensor(DataType.DT_UINT8.code(), varints(7, 255)), 255.0});
    m.put("int_val int8", new Object[] {tensor(DataType.DT_INT8.code(), varints(7, -128)), -128.0});
    m.put("int_val int16", new Object[] {tensor(DataType.DT_INT16.code(), varints(7, -32768)), -32768.0});
    m.put("int_val uint16", new Object[] {tensor(DataType.DT_UINT16.code(), varints(7, 65535)), 65535.0});
    m.put("int64_val 2^40", new Object[] {tensor(DataType.DT_INT64.code(), varints(10, 1L << 40)), 1099511627776.0});
    m.put("int64_val min", new Object[] {tensor(DataType.DT_INT64.code(), varints(10, Long.MIN_VALUE)), -9.223372036854775808E18});
    m.put("bool_val true", new Object[] {tensor(DataType.DT_BOOL.code(), varints(11, 1)), 1.0});
    m.put("bool_val false", new Object[] {tensor(DataType.DT_BOOL.code(), unpackedVarint(11, 0)), 0.0});
    m.put("half_val 1.0", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0x3C00)), 1.0});
    m.put("half_val -2.0", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0xC000)), -2.0});
    m.put("half_val 65504 (max)", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0x7BFF)), 65504.0});
    m.put("half_val smallest subnormal", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0x0001)), 0x1p-24});
    m.put("half_val +inf", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0x7C00)), Double.POSITIVE_INFINITY});
    m.put("half_val NaN", new Object[] {tensor(DataType.DT_HALF.code(), varints(13, 0x7E00)), Double.NaN});
    m.put("half_val bfloat16 1.5", new Object[] {tensor(DataType.DT_BFLOAT16.code(), varints(13, 0x3FC0)), 1.5});
    m.put("uint32_val max", new Object[] {tensor(DataType.DT_UINT32.code(), varints(16, 0xFFFFFFFFL)), 4294967295.0});
    m.put("uint64_val max", new Object[] {tensor(DataType.DT_UINT64.code(), varints(17, -1L)), 18446744073709551615.0});
    m.put("content float", new Object[] {tensor(f, content(le(4, Float.floatToRawIntBits(-0.5f)))), -0.5});
    m.put("content double", new Object[] {tensor(d, content(le(8, Double.doubleToRawLongBits(6.02e23)))), 6.02e23});
    m.put("content int32", new Object[] {tensor(DataType.DT_INT32.code(), content(le(4, -2))), -2.0});
    m.put("content int64", new Object[] {tensor(DataType.DT_INT64.code(), content(le(8, -(1L << 50)))), -1125899906842624.0});
    m.put("content uint8", new Object[] {tensor(DataType.DT_UINT8.code(), content(le(1, 0xFF))), 255.0});
    m.put("content int8", new Object[] {tensor(DataType.DT_INT8.code(), content(le(1, 0xFF))), -1.0});
    m.put("content int16", new Object[] {tensor(DataType.DT_INT16.code(), content(le(2, 0x8000))), -32768.0});
    m.put("content uint16", new Object[] {tensor(DataType.DT_UINT16.code(), content(le(2, 0xFFFF))), 65535.0});
    m.put("content bool", new Object[] {tensor(DataType.DT_BOOL.code(), content(le(1, 1))), 1.0});
    m.put("content half", new Object[] {tensor(DataType.DT_HALF.code(), content(le(2, 0x3555))), 0.333251953125});
    m.put("content bfloat16", new Object[] {tensor(DataType.DT_BFLOAT16.code(), content(le(2, 0xC040))), -3.0});
    m.put("content uint32", new Object[] {tensor(DataType.DT_UINT32.code(), content(le(4, 0xFFFFFFFEL))), 4294967294.0});
    m.put("content uint64", new Object[] {tensor(DataType.DT_UINT64.code(), content(le(8, 1L << 63))), 9.223372036854775808E18});
    m.put("content float, two elements: the first", new Object[] {tensor(f,
        content(Records.concat(le(4, Float.floatToRawIntBits(4f)), le(4, Float.floatToRawIntBits(5f))))), 4.0});
    m.put("empty float tensor", new Object[] {tensor(f, w -> { }), 0.0});
    m.put("empty int64 tensor", new Object[] {tensor(DataType.DT_INT64.code(), w -> { }), 0.0});
    m.put("no shape field at all", new Object[] {noShape(f, w -> w.writePackedFloats(5, new float[] {9f})), 9.0});
    return m;
  }

  static byte[] noShape(int dtype, Consumer<ProtoWriter> values) {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(1, dtype);
    values.accept(w);
    return w.toByteArray();
  }

  @Test
  void valueView_scalar_readsTensorStyleScalarsInEveryNumericDtype() {
    Map<String, Object[]> cases = scalarTensors();
    List<byte[]> values = new ArrayList<>();
    List<String> names = new ArrayList<>(cases.keySet());
    for (String name : names) {
      values.add(value(name, SummaryValue.TENSOR, (byte[]) cases.get(name)[0]));
    }
    byte[] file = TfRecordFormat.frame(summaryEvent(1, values.toArray(new byte[0][])));
    Map<String, Double> lazy = new LinkedHashMap<>();
    Map<String, Double> full = new LinkedHashMap<>();
    Recorder rec = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView value) {
        assertEquals(ValueKind.TENSOR, value.kind());
        assertTrue(value.isScalar(), value.tag());
        lazy.put(value.tag(), value.scalar());
        TensorProto t = value.tensor();
        assertTrue(t.isScalar(), value.tag());
        full.put(value.tag(), EventArbitraries.expectedScalar(t));
      }
    };
    scan(file, rec);
    assertEquals(List.of(), rec.problems);
    for (String name : names) {
      double expected = (Double) cases.get(name)[1];
      assertEquals(expected, lazy.get(name), 0.0, name);
      assertEquals(expected, full.get(name), 0.0, name + " (full decoder)");
    }
  }

  @Test
  void valueView_isScalar_falseForTensorsThatAreNotOneNumber() {
    int f = DataType.DT_FLOAT.code();
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("rank 1 of one element", TensorProto.ofFloats(TensorShape.of(1), 1f).toByteArray());
    cases.put("unknown rank", new TensorProto(f, new TensorShape(List.of(), true), 0, null,
        new float[] {1f}, null, null, null, null, null, null, null, null, null, null).toByteArray());
    cases.put("string", TensorProto.ofStrings(TensorShape.SCALAR, List.of(new byte[] {'1'})).toByteArray());
    cases.put("complex64", tensor(DataType.DT_COMPLEX64.code(), w -> w.writePackedFloats(9, new float[] {1, 2})));
    cases.put("invalid dtype", tensor(0, w -> w.writePackedFloats(5, new float[] {1})));
    cases.put("unknown dtype 77", tensor(77, w -> w.writePackedFloats(5, new float[] {1})));
    cases.put("resource", tensor(DataType.DT_RESOURCE.code(), w -> { }));
    List<byte[]> values = new ArrayList<>();
    cases.forEach((name, body) -> values.add(value(name, SummaryValue.TENSOR, body)));
    values.add(value("image", SummaryValue.IMAGE, new ImageProto(1, 1, 1, new byte[] {1}).toByteArray()));
    List<String> notScalar = new ArrayList<>();
    Recorder rec = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView value) {
        if (!value.isScalar()) {
          notScalar.add(value.tag());
        }
      }
    };
    scan(TfRecordFormat.frame(summaryEvent(1, values.toArray(new byte[0][]))), rec);
    List<String> expected = new ArrayList<>(cases.keySet());
    expected.add("image");
    assertEquals(expected, notScalar);
    assertEquals(List.of(), rec.problems);
  }

  // ---- tags and metadata ----

  @Test
  void valueView_tag_fallsBackToNodeName() {
    byte[] nodeOnly = new SummaryValue("legacy/node", "", null, new SummaryValue.SimpleValue(1)).toByteArray();
    byte[] both = new SummaryValue("ignored/node", "the/tag", null, new SummaryValue.SimpleValue(2)).toByteArray();
    byte[] neither = new SummaryValue("", "", null, new SummaryValue.SimpleValue(3)).toByteArray();
    ProtoWriter w = new ProtoWriter(); // node_name written before tag, and an empty tag present on the wire
    w.writeStringFieldAlways(SummaryValue.NODE_NAME, "node/first");
    w.writeStringFieldAlways(SummaryValue.TAG, "");
    w.writeFloatFieldAlways(SummaryValue.SIMPLE_VALUE, 4);
    byte[] file = TfRecordFormat.frame(summaryEvent(1, nodeOnly, both, neither, w.toByteArray()));
    Recorder rec = new Recorder();
    scan(file, rec);
    assertEquals(List.of("legacy/node", "the/tag", "", "node/first"), rec.tags());
    assertEquals(List.of(), rec.problems);
  }

  @Test
  void fileInventory_tagStoredOnlyInNodeName_isCountedUnderThatName(@TempDir Path dir) throws IOException {
    List<byte[]> records = new ArrayList<>();
    for (int step = 0; step < 3; step++) {
      records.add(new Event(step, step, Summary.of(new SummaryValue("old/loss", "", null,
          new SummaryValue.SimpleValue(step))), null).toByteArray());
    }
    Path file = dir.resolve("events.out.tfevents.1.node");
    Files.write(file, Records.file(records));
    FileInventory inv = FileInventory.of(file);
    assertEquals(List.of("old/loss"), List.copyOf(inv.tags().keySet()));
    assertEquals(3, inv.tags().get("old/loss").count());
    assertEquals(3.0, inv.tags().get("old/loss").scalarSum());
  }

  @Test
  void valueView_metadataOnTheFirstValueOnly_doesNotLeakToLaterValues(@TempDir Path dir) throws IOException {
    SummaryMetadata md = SummaryMetadata.forPlugin("scalars", new byte[0], SummaryMetadata.DATA_CLASS_SCALAR)
        .withDisplay("Accuracy", "top-1");
    List<byte[]> records = new ArrayList<>();
    for (int step = 0; step < 4; step++) {
      records.add(new Event(step, step, Summary.of(
          SummaryValue.of("acc", step == 0 ? md : null, TensorProto.scalar(step / 4f)),
          SummaryValue.of("other", null, new SummaryValue.SimpleValue(step))), null).toByteArray());
    }
    byte[] bytes = Records.file(records);
    List<String> seen = new ArrayList<>();
    Recorder rec = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView value) {
        SummaryMetadata m = value.metadata();
        seen.add(event.step() + " " + value.tag() + " " + value.hasMetadata() + " '" + value.pluginName() + "' "
            + (m == null ? "-" : m.displayName()));
        if (!value.hasMetadata()) {
          assertNull(m);
        }
      }
    };
    scan(bytes, rec);
    assertEquals(List.of(
        "0 acc true 'scalars' Accuracy", "0 other false '' -",
        "1 acc false '' -", "1 other false '' -",
        "2 acc false '' -", "2 other false '' -",
        "3 acc false '' -", "3 other false '' -"), seen);

    Path file = dir.resolve("events.out.tfevents.1.md");
    Files.write(file, bytes);
    FileInventory inv = FileInventory.of(file);
    FileInventory.TagStats acc = inv.tags().get("acc");
    assertEquals("scalars", acc.pluginName(), "remembered from the first value");
    assertEquals("Accuracy", acc.firstMetadata().displayName());
    assertEquals(4, acc.count());
    assertTrue(acc.isScalar());
    assertEquals(0 + 0.25 + 0.5 + 0.75, acc.scalarSum());
    assertEquals("", inv.tags().get("other").pluginName());
  }

  // ---- the scalar fast path ----

  /**
   * One-scalar events without metadata are offered as numbers first; accepted ones never come as
   * views, declined ones come as the same views as always, and every other event never is offered.
   */
  @Test
  void onScalar_offersOnlyBareOneScalarEvents_andDeclinedOnesComeAsViews() {
    SummaryMetadata md = SummaryMetadata.forPlugin("scalars", new byte[0], SummaryMetadata.DATA_CLASS_SCALAR);
    List<byte[]> records = withGeneralStart(
        new Event(1.5, 7, Summary.of(SummaryValue.of("loss", null, new SummaryValue.SimpleValue(0.25f))), null)
            .toByteArray(),
        new Event(2.5, 300_000, Summary.of(SummaryValue.of("acc", null, TensorProto.scalar(0.75f))), null)
            .toByteArray(),
        new Event(3.5, 8, Summary.of(SummaryValue.of("acc", md, TensorProto.scalar(0.5f))), null).toByteArray(),
        new Event(4.5, 9, Summary.of(SummaryValue.of("loss", null, new SummaryValue.SimpleValue(1f)),
            SummaryValue.of("acc", null, new SummaryValue.SimpleValue(2f))), null).toByteArray(),
        new Event(5.5, 10, Summary.of(SummaryValue.of("skip", null, new SummaryValue.SimpleValue(3f))), null)
            .toByteArray());
    List<String> seen = new ArrayList<>();
    Recorder rec = new Recorder() {
      @Override
      public void onEvent(EventView event) {
        if (event.kind() != EventKind.FILE_VERSION) {
          super.onEvent(event);
        }
      }

      @Override
      public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
        seen.add("offered " + wallTime + " " + step + " " + tag + " " + value + " " + tensor);
        return !tag.equals("skip");
      }

      @Override
      public void onValue(EventView event, ValueView value) {
        seen.add("view " + event.wallTime() + " " + event.step() + " " + value.tag() + " " + value.scalar());
      }
    };
    scan(Records.file(records), rec);
    assertEquals(List.of(
        "offered 1.5 7 loss 0.25 false",
        "offered 2.5 300000 acc 0.75 true",
        "view 3.5 8 acc 0.5", // metadata: views only
        "view 4.5 9 loss 1.0", "view 4.5 9 acc 2.0", // two values: views only
        "offered 5.5 10 skip 3.0 false", "view 5.5 10 skip 3.0"), seen); // declined: then views
    assertEquals(3, rec.events.size(), "onEvent for each event but the two accepted ones");
  }

  /**
   * The records after {@link EventScanner#GENERAL_FIRST} file_version events, which take the
   * general path as the first records of every scan do.
   */
  static List<byte[]> withGeneralStart(byte[]... records) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < EventScanner.GENERAL_FIRST; i++) {
      out.add(new Event(1, 0, new Event.FileVersion("brain.Event:2"), null).toByteArray());
    }
    out.addAll(List.of(records));
    return out;
  }

  @Test
  void firstRecordsOfAScan_takeTheGeneralPath() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < EventScanner.GENERAL_FIRST + 10; i++) {
      records.add(new Event(1, i, Summary.of(SummaryValue.of("loss", null, new SummaryValue.SimpleValue(i))), null)
          .toByteArray());
    }
    int[] offered = {0};
    int[] views = {0};
    scan(Records.file(records), new EventHandler() {
      @Override
      public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
        offered[0]++;
        assertEquals(value, (float) step);
        return true;
      }

      @Override
      public void onValue(EventView event, ValueView value) {
        views[0]++;
        assertEquals(value.scalar(), event.step());
      }
    });
    assertEquals(EventScanner.GENERAL_FIRST, views[0]);
    assertEquals(10, offered[0]);
  }

  /**
   * A scan from the middle of a file with a table that has seen the tags (the next chunk of a
   * big file) takes the shortcut from its first record; with a fresh table it takes the general
   * start, like a scan from the file's start.
   */
  @Test
  void midFileScanWithKnownTags_takesTheShortcutAtOnce() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 2 * EventScanner.GENERAL_FIRST; i++) {
      records.add(new Event(1, i, Summary.of(SummaryValue.of("loss", null, new SummaryValue.SimpleValue(i))), null)
          .toByteArray());
    }
    byte[] file = Records.file(records);
    long middle = Records.offsets(records)[EventScanner.GENERAL_FIRST];
    int[] counts = new int[2]; // offered, views
    EventHandler h = new EventHandler() {
      @Override
      public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
        counts[0]++;
        return true;
      }

      @Override
      public void onValue(EventView event, ValueView value) {
        counts[1]++;
      }
    };
    TagStrings tags = new TagStrings();
    EventScanner scanner = EventScanner.create();
    ScanResult first = scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "memory", ScanPosition.START,
        middle, h, tags);
    assertEquals(EventScanner.GENERAL_FIRST, first.records(), "the first scan stops at the middle");
    assertEquals(List.of(0, EventScanner.GENERAL_FIRST), List.of(counts[0], counts[1]), "all by the general start");
    counts[0] = 0;
    counts[1] = 0;
    scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "memory", first.next(), Long.MAX_VALUE, h, tags);
    assertEquals(List.of(EventScanner.GENERAL_FIRST, 0), List.of(counts[0], counts[1]), "all offered: the tags are known");
    counts[0] = 0;
    counts[1] = 0;
    scanner.scan(new InMemoryChannel(file, Integer.MAX_VALUE), "memory", first.next(), Long.MAX_VALUE, h,
        new TagStrings());
    assertEquals(List.of(0, EventScanner.GENERAL_FIRST), List.of(counts[0], counts[1]), "a fresh table: the general start");
  }

  @Test
  void tagStrings_keptAcrossScans_giveTheSameStringForTheSameTag() {
    byte[] file = Records.file(withGeneralStart(new Event(1.5, 1, Summary.of(
        SummaryValue.of("train/loss", null, new SummaryValue.SimpleValue(1f))), null).toByteArray()));
    TagStrings tags = new TagStrings();
    List<String> names = new ArrayList<>();
    EventHandler h = new EventHandler() {
      @Override
      public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
        names.add(tag);
        return true;
      }
    };
    for (int i = 0; i < 2; i++) {
      EventScanner.create().scan(new InMemoryChannel(file, Integer.MAX_VALUE), "memory", ScanPosition.START,
          Long.MAX_VALUE, h, tags);
    }
    scan(file, h); // a scan of its own: a table of its own
    assertEquals(List.of("train/loss", "train/loss", "train/loss"), names);
    assertTrue(names.get(0) == names.get(1), "one String for both scans that shared the table");
    assertFalse(names.get(0) == names.get(2));
  }

  /** One-scalar events of any step, wall time, tag (up to 200 bytes) and value, mixed with others. */
  @Provide
  Arbitrary<List<Event>> shortcutCandidates() {
    Arbitrary<String> tag = Arbitraries.oneOf(EventArbitraries.text(),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(100).ofMaxLength(200));
    Arbitrary<SummaryValue> value = net.jqwik.api.Combinators.combine(tag, EventArbitraries.floats(),
        Arbitraries.of(true, false)).as((t, f, tensor) -> SummaryValue.of(t, null,
            tensor ? TensorProto.scalar(f) : new SummaryValue.SimpleValue(f)));
    Arbitrary<Event> scalar = net.jqwik.api.Combinators.combine(EventArbitraries.doubles(),
        EventArbitraries.longs(), value).as((w, st, v) -> new Event(w, st, Summary.of(v), null));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, scalar), net.jqwik.api.Tuple.of(1, EventArbitraries.events(false)))
        .list().ofMinSize(1).ofMaxSize(12);
  }

  /**
   * Past the general start, what the scalar shortcut offers is what the full decoder reads, for
   * any step (one to ten varint bytes, negative ones), tag length and value; an event it does not
   * offer, or one the handler declines, comes as views that agree with the decoder; and the bare
   * one-scalar events of ordinary steps and short tags are offered.
   */
  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void scalarShortcut_agreesWithTheFullDecoder(@ForAll("shortcutCandidates") List<Event> events,
      @ForAll boolean accept) {
    List<byte[]> records = withGeneralStart(events.stream().map(Event::toByteArray).toArray(byte[][]::new));
    List<String> seen = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    int[] viewsToSkip = {EventScanner.GENERAL_FIRST};
    scan(Records.file(records), new EventHandler() {
      @Override
      public boolean onScalar(double wallTime, long step, String tag, float value, boolean tensor) {
        seen.add("offered " + line(wallTime, step, tag, value));
        return accept;
      }

      @Override
      public void onEvent(EventView event) {
        if (viewsToSkip[0] > 0) {
          viewsToSkip[0]--;
        } else {
          seen.add("event");
        }
      }

      @Override
      public void onValue(EventView event, ValueView v) {
        seen.add("view " + line(event.wallTime(), event.step(), v.tag(), v.isScalar() ? (float) v.scalar() : null));
      }

      @Override
      public void onProblem(Problem problem) {
        problems.add(problem);
      }
    });
    assertEquals(List.of(), problems);
    int at = 0;
    for (Event e : events) {
      List<SummaryValue> vs = e.what() instanceof Summary s ? s.values() : List.of();
      List<String> views = new ArrayList<>();
      views.add("event");
      for (SummaryValue v : vs) {
        Float number = v.value() instanceof SummaryValue.SimpleValue sv ? (Float) sv.value()
            : v.value() instanceof TensorProto t && t.isScalar() ? (Float) (float) EventArbitraries.expectedScalar(t) : null;
        views.add("view " + line(e.wallTime(), e.step(), v.effectiveTag(), number));
      }
      boolean offered = at < seen.size() && seen.get(at).startsWith("offered ");
      boolean ordinary = vs.size() == 1 && vs.get(0).metadata() == null && e.sourceMetadata() == null
          && vs.get(0).nodeName().isEmpty()
          && Double.doubleToRawLongBits(e.wallTime()) != 0 // a wall time of +0.0 is not written
          && e.step() > 0 && e.step() < 1L << 56
          && (vs.get(0).value() instanceof SummaryValue.SimpleValue
              || vs.get(0).value() instanceof TensorProto t && isRank0FloatLayout(t))
          && v0Bytes(vs.get(0)) > 0 // an empty tag is not written
          // the summary's length in one byte: 0a len, 0a taglen tag, and 5 bytes of simple_value
          // or 12 of the rank-0 tensor
          && 4 + v0Bytes(vs.get(0)) + (vs.get(0).value() instanceof TensorProto ? 12 : 5) < 128;
      assertEquals(ordinary, offered, "offered: " + e);
      if (offered) {
        assertEquals(views.get(1).substring("view ".length()), seen.get(at).substring("offered ".length()), e.toString());
        at++;
        if (accept) {
          continue;
        }
      }
      assertEquals(views, seen.subList(at, Math.min(seen.size(), at + views.size())), e.toString());
      at += views.size();
    }
    assertEquals(seen.size(), at, "nothing more than the events");
  }

  /** Whether a tensor is written as 08 01 12 00 2a 04 and 4 bytes: float, no dims, 4 bytes of content. */
  private static boolean isRank0FloatLayout(TensorProto t) {
    byte[] b = t.toByteArray();
    return b.length == 10 && b[0] == 0x08 && b[1] == 0x01 && b[2] == 0x12 && b[3] == 0x00 && b[4] == 0x2a
        && b[5] == 0x04;
  }

  private static int v0Bytes(SummaryValue v) {
    return v.effectiveTag().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static String line(double wall, long step, String tag, Float value) {
    return Double.doubleToRawLongBits(wall) + " " + step + " " + tag + " "
        + (value == null ? "-" : Integer.toString(Float.floatToIntBits(value)));
  }

  // ---- the views agree with the full decoder ----

  @Provide
  Arbitrary<List<Event>> eventLists() {
    return EventArbitraries.events(false).list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
  void scan_viewsAgreeWithTheFullDecoder(@ForAll("eventLists") List<Event> events) {
    List<byte[]> records = events.stream().map(Event::toByteArray).toList();
    long[] offsets = Records.offsets(records);
    int[] next = {0};
    List<Problem> problems = new ArrayList<>();
    scan(Records.file(records), new EventHandler() {
      Event current;

      @Override
      public void onEvent(EventView view) {
        int i = next[0]++;
        current = events.get(i);
        assertEquals(offsets[i], view.recordOffset());
        assertEquals(records.get(i).length, view.recordLength());
        assertArrayEquals(records.get(i), view.copyBytes());
        assertEquals(current, view.decode());
        assertEquals(Double.doubleToRawLongBits(current.wallTime()), Double.doubleToRawLongBits(view.wallTime()));
        assertEquals(current.step(), view.step());
        Event.Payload p = current.what();
        assertEquals(kindOf(p), view.kind());
        assertEquals(p instanceof Event.FileVersion v ? v.version() : null, view.fileVersion());
        assertEquals(current.sourceMetadata() == null ? null : current.sourceMetadata().writer(), view.sourceWriter());
        byte[] graph = p instanceof Event.GraphDef g ? g.bytes() : p instanceof Event.MetaGraphDef m ? m.bytes() : null;
        assertArrayEquals(graph, view.graphBytes());
        assertEquals(p instanceof dev.trainscope.events.proto.SessionLog ? p : null, view.sessionLog());
        assertEquals(p instanceof dev.trainscope.events.proto.LogMessage ? p : null, view.logMessage());
        assertEquals(p instanceof dev.trainscope.events.proto.TaggedRunMetadata ? p : null, view.taggedRunMetadata());
      }

      @Override
      public void onValue(EventView event, ValueView view) {
        SummaryValue v = current.summary().values().get(view.index());
        assertEquals(v, view.decode());
        assertEquals(v.effectiveTag(), view.tag());
        assertEquals(kindOf(v.value()), view.kind());
        assertEquals(v.metadata() != null, view.hasMetadata());
        assertEquals(v.metadata(), view.metadata());
        assertEquals(v.metadata() == null ? "" : v.metadata().pluginName(), view.pluginName());
        assertEquals(v.value() instanceof HistogramProto ? v.value() : null, view.histogram());
        assertEquals(v.value() instanceof ImageProto ? v.value() : null, view.image());
        assertEquals(v.value() instanceof AudioProto ? v.value() : null, view.audio());
        assertEquals(v.value() instanceof TensorProto ? v.value() : null, view.tensor());
        if (v.value() instanceof SummaryValue.SimpleValue s) {
          assertTrue(view.isScalar());
          assertEquals(Double.doubleToRawLongBits(s.value()), Double.doubleToRawLongBits(view.scalar()));
          assertEquals(4, view.payloadLength());
        } else if (v.value() instanceof TensorProto t) {
          assertEquals(t.isScalar(), view.isScalar(), t.toString());
          if (t.isScalar()) {
            assertEquals(EventArbitraries.expectedScalar(t), view.scalar(), 0.0, t.toString());
          }
        } else {
          assertFalse(view.isScalar());
        }
      }

      @Override
      public void onProblem(Problem problem) {
        problems.add(problem);
      }
    });
    assertEquals(events.size(), next[0]);
    assertEquals(List.of(), problems);
  }

  static EventKind kindOf(Event.Payload p) {
    if (p == null) {
      return EventKind.NONE;
    } else if (p instanceof Event.FileVersion) {
      return EventKind.FILE_VERSION;
    } else if (p instanceof Event.GraphDef) {
      return EventKind.GRAPH_DEF;
    } else if (p instanceof Summary) {
      return EventKind.SUMMARY;
    } else if (p instanceof dev.trainscope.events.proto.LogMessage) {
      return EventKind.LOG_MESSAGE;
    } else if (p instanceof dev.trainscope.events.proto.SessionLog) {
      return EventKind.SESSION_LOG;
    } else if (p instanceof dev.trainscope.events.proto.TaggedRunMetadata) {
      return EventKind.TAGGED_RUN_METADATA;
    }
    return EventKind.META_GRAPH_DEF;
  }

  static ValueKind kindOf(SummaryValue.Kind k) {
    if (k == null) {
      return ValueKind.NONE;
    } else if (k instanceof SummaryValue.SimpleValue) {
      return ValueKind.SIMPLE_VALUE;
    } else if (k instanceof SummaryValue.ObsoleteOldStyleHistogram) {
      return ValueKind.OBSOLETE_OLD_STYLE_HISTOGRAM;
    } else if (k instanceof ImageProto) {
      return ValueKind.IMAGE;
    } else if (k instanceof HistogramProto) {
      return ValueKind.HISTO;
    } else if (k instanceof AudioProto) {
      return ValueKind.AUDIO;
    }
    return ValueKind.TENSOR;
  }
}
