package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records whose framing is sound but whose protobuf is not: each is reported as a problem with its
 * record's offset, never thrown, and the events after it are still delivered; a bad value costs
 * only that value; a handler's own lazy decoding of bad bytes is reported the same way, while any
 * other exception from a handler reaches the caller.
 */
class EventScannerMalformedTest {
  private static final String NAME = "events.out.tfevents.test";

  /** A well-formed summary event with one scalar {@code loss = step / 2}. */
  static byte[] good(long step) {
    return new Event(1000 + step, step, Summary.of(SummaryValue.of("loss", null,
        new SummaryValue.SimpleValue(step * 0.5f))), null).toByteArray();
  }

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static byte[] repeat(int b, int times) {
    byte[] out = new byte[times];
    java.util.Arrays.fill(out, (byte) b);
    return out;
  }

  static ScanResult scan(byte[] file, EventHandler handler) {
    return EventScanner.create().scan(new InMemoryChannel(file, Integer.MAX_VALUE), NAME, ScanPosition.START, handler);
  }

  /** Bad events, each with a name for messages. */
  static Map<String, byte[]> malformedEvents() {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("step varint with 11 continuation bytes", Records.concat(bytes(0x10), repeat(0x80, 11), bytes(0x01)));
    m.put("wall_time varint of 10 bytes then more", Records.concat(bytes(0x10), repeat(0xFF, 10), bytes(0x01)));
    m.put("summary length past the end", bytes(0x2A, 100, 1, 2, 3));
    m.put("length varint itself cut off", bytes(0x2A, 0x80));
    m.put("step as LEN", bytes(0x12, 1, 5));
    m.put("wall_time as VARINT", bytes(0x08, 1));
    m.put("file_version as VARINT", bytes(0x18, 1));
    m.put("summary as I32", bytes(0x2D, 1, 2, 3, 4));
    m.put("source_metadata as I64", bytes(0x51, 1, 2, 3, 4, 5, 6, 7, 8));
    m.put("end-group without start (unknown field)", bytes(0x5C));
    m.put("end-group without start (step)", bytes(0x14));
    m.put("start-group never closed", bytes(0x5B, 0x08, 1));
    m.put("end-group closing another group", bytes(0x5B, 0x64));
    m.put("groups nested 101 deep", Records.concat(repeat(0x7B, 101), repeat(0x7C, 101)));
    m.put("wire type 6", bytes(0x0E, 0));
    m.put("wire type 7", bytes(0x0F, 0));
    m.put("field number 0", bytes(0x00, 1));
    m.put("wall_time cut short", bytes(0x09, 1, 2, 3));
    m.put("unknown fixed32 cut short", bytes(0x5D, 1, 2));
    m.put("unknown LEN past the end", bytes(0x5A, 5, 1));
    m.put("field number above 2^29", bytes(0xF8, 0xFF, 0xFF, 0xFF, 0x7F));
    return m;
  }

  @Test
  void scan_malformedEvent_isReportedWithRecordOffsetAndLaterEventsDelivered() {
    for (Map.Entry<String, byte[]> bad : malformedEvents().entrySet()) {
      byte[] first = TfRecordFormat.frame(good(1));
      byte[] file = Records.concat(first, TfRecordFormat.frame(bad.getValue()), TfRecordFormat.frame(good(2)));
      Recorder rec = new Recorder();
      ScanResult r = scan(file, rec);
      String where = bad.getKey();
      assertEquals(List.of(1L, 2L), rec.steps(), where);
      assertEquals(List.of(new Recorder.SeenValue(1, 0, "loss", ValueKind.SIMPLE_VALUE, 0.5),
          new Recorder.SeenValue(2, 0, "loss", ValueKind.SIMPLE_VALUE, 1.0)), rec.values, where);
      assertEquals(List.of(Problem.Kind.MALFORMED_EVENT), rec.kinds(), where);
      Problem p = rec.problems.get(0);
      assertEquals(first.length, p.offset(), where + ": the record's offset");
      assertEquals(NAME, p.file(), where);
      assertEquals(3, r.records(), where);
      assertEquals(2, r.events(), where);
      assertEquals(1, r.malformedEvents(), where);
      assertEquals(0, r.malformedValues(), where);
      assertTrue(r.hasCorruption(), where);
    }
  }

  @Test
  void scan_malformedEvent_fullDecodeAgrees() {
    for (Map.Entry<String, byte[]> bad : malformedEvents().entrySet()) {
      assertThrows(MalformedProtoException.class, () -> Event.parse(bad.getValue()), bad.getKey());
    }
  }

  @Test
  void scan_groupsNested100Deep_areSkippedAsUnknownField() {
    byte[] nested = Records.concat(good(3), repeat(0x7B, 100), repeat(0x7C, 100));
    Recorder rec = new Recorder();
    scan(TfRecordFormat.frame(nested), rec);
    assertEquals(List.of(3L), rec.steps());
    assertEquals(List.of("loss"), rec.tags());
    assertEquals(List.of(), rec.problems);
    assertEquals(Event.parse(good(3)), Event.parse(nested), "unknown fields are skipped by the full decoder too");
  }

  /** Summary.Value bodies that are not valid, each between two good values. */
  static Map<String, byte[]> malformedValues() {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("tag as VARINT", bytes(0x08, 1));
    m.put("simple_value as LEN", bytes(0x12, 1, 0));
    m.put("simple_value cut short", bytes(0x0A, 1, 'b', 0x15, 0, 0));
    m.put("tensor length past the value's end", bytes(0x0A, 1, 'b', 0x42, 0x20, 1, 2));
    m.put("metadata as I64", bytes(0x49, 1, 2, 3, 4, 5, 6, 7, 8));
    m.put("groups nested 101 deep", Records.concat(bytes(0x0A, 1, 'b'), repeat(0xA3, 101), repeat(0xA4, 101)));
    m.put("end-group without start", bytes(0x0A, 1, 'b', 0xA4, 0x01));
    m.put("bad varint", Records.concat(bytes(0x0A, 1, 'b', 0xA0, 0x01), repeat(0x80, 11), bytes(0)));
    return m;
  }

  static byte[] summaryEvent(long step, byte[]... valueBodies) {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(Event.STEP, step);
    w.writeMessageField(Event.SUMMARY, sw -> {
      for (byte[] v : valueBodies) {
        sw.writeBytesFieldAlways(1, v);
      }
    });
    return w.toByteArray();
  }

  static byte[] scalarValue(String tag, float v) {
    return SummaryValue.of(tag, null, new SummaryValue.SimpleValue(v)).toByteArray();
  }

  @Test
  void scan_summaryWithOneBadValue_keepsTheGoodOnes() {
    for (Map.Entry<String, byte[]> bad : malformedValues().entrySet()) {
      String where = bad.getKey();
      byte[] first = TfRecordFormat.frame(summaryEvent(7, scalarValue("a", 1), bad.getValue(), scalarValue("c", 3)));
      byte[] second = TfRecordFormat.frame(summaryEvent(8, bad.getValue(), scalarValue("d", 4)));
      byte[] file = Records.concat(first, second, TfRecordFormat.frame(good(9)));
      Recorder rec = new Recorder();
      ScanResult r = scan(file, rec);
      assertEquals(List.of(7L, 8L, 9L), rec.steps(), where);
      assertEquals(List.of(new Recorder.SeenValue(7, 0, "a", ValueKind.SIMPLE_VALUE, 1.0),
          new Recorder.SeenValue(7, 2, "c", ValueKind.SIMPLE_VALUE, 3.0),
          new Recorder.SeenValue(8, 1, "d", ValueKind.SIMPLE_VALUE, 4.0),
          new Recorder.SeenValue(9, 0, "loss", ValueKind.SIMPLE_VALUE, 4.5)), rec.values, where);
      assertEquals(List.of(Problem.Kind.MALFORMED_VALUE, Problem.Kind.MALFORMED_VALUE), rec.kinds(), where);
      assertEquals(0, rec.problems.get(0).offset(), where);
      assertEquals(first.length, rec.problems.get(1).offset(), where);
      assertEquals(2, r.malformedValues(), where);
      assertEquals(0, r.malformedEvents(), where);
      assertEquals(3, r.events(), where);
    }
  }

  @Test
  void scan_summaryItselfBrokenAfterAGoodValue_keepsTheValuesBeforeAndLaterEvents() {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(Event.STEP, 5);
    w.writeMessageField(Event.SUMMARY, sw -> {
      sw.writeBytesFieldAlways(1, scalarValue("a", 1));
      sw.writeRaw(bytes(0x0A, 0x7F, 1, 2), 0, 4); // a value whose length runs past the summary
    });
    byte[] first = TfRecordFormat.frame(w.toByteArray());
    Recorder rec = new Recorder();
    ScanResult r = scan(Records.concat(first, TfRecordFormat.frame(good(6))), rec);
    assertEquals(List.of(5L, 6L), rec.steps());
    assertEquals(List.of("a", "loss"), rec.tags());
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE), rec.kinds());
    assertEquals(0, rec.problems.get(0).offset());
    assertEquals(1, r.malformedValues());
  }

  @Test
  void scan_summaryWithValueAsWrongWireType_isReportedAndLaterEventsDelivered() {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(Event.STEP, 5);
    w.writeMessageField(Event.SUMMARY, sw -> {
      sw.writeBytesFieldAlways(1, scalarValue("a", 1));
      sw.writeRaw(bytes(0x08, 1), 0, 2); // Summary.value as VARINT
    });
    Recorder rec = new Recorder();
    scan(Records.concat(TfRecordFormat.frame(w.toByteArray()), TfRecordFormat.frame(good(6))), rec);
    assertEquals(List.of(5L, 6L), rec.steps());
    assertEquals(List.of("a", "loss"), rec.tags());
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE), rec.kinds());
  }

  // ---- the handler's own decoding ----

  /** A histo value whose HistogramProto is not valid: a packed double field of 3 bytes. */
  static byte[] badHistogramValue(String tag) {
    ProtoWriter w = new ProtoWriter();
    w.writeStringField(SummaryValue.TAG, tag);
    w.writeBytesFieldAlways(SummaryValue.HISTO, bytes(0x32, 3, 1, 2, 3));
    return w.toByteArray();
  }

  static byte[] goodHistogramValue(String tag) {
    return SummaryValue.of(tag, null,
        new HistogramProto(0, 2, 3, 3, 5, new double[] {1, 2}, new double[] {1, 2})).toByteArray();
  }

  @Test
  void scan_handlersLazyDecodeThrowsMalformed_isReportedAsMalformedValueAndScanGoesOn() {
    byte[] first = TfRecordFormat.frame(summaryEvent(1, goodHistogramValue("h1"), badHistogramValue("h2"),
        goodHistogramValue("h3")));
    byte[] file = Records.concat(first, TfRecordFormat.frame(summaryEvent(2, badHistogramValue("h4"))),
        TfRecordFormat.frame(summaryEvent(3, goodHistogramValue("h5"))));
    List<String> decoded = new ArrayList<>();
    Recorder rec = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView value) {
        HistogramProto h = value.histogram(); // throws on h2 and h4
        decoded.add(value.tag() + ":" + h.num());
      }
    };
    ScanResult r = scan(file, rec);
    assertEquals(List.of("h1:3.0", "h3:3.0", "h5:3.0"), decoded);
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE, Problem.Kind.MALFORMED_VALUE), rec.kinds());
    assertEquals(0, rec.problems.get(0).offset());
    assertEquals(first.length, rec.problems.get(1).offset());
    assertEquals(2, r.malformedValues());
    assertEquals(3, r.events());
  }

  @Test
  void scan_handlerDecodingBadMetadataPluginContent_isReportedAsMalformedValue() {
    // hparams content with google.protobuf.Value lists nested 101 deep
    byte[] deep = bytes();
    for (int i = 0; i < 101; i++) {
      deep = Records.concat(bytes(0x32), varint(deep.length + 2 + varintSize(deep.length)), bytes(0x0A),
          varint(deep.length), deep);
    }
    byte[] content = Records.concat(bytes(0x1A), varint(deep.length + 3 + varintSize(deep.length)),
        bytes(0x0A), varint(deep.length + 1 + varintSize(deep.length)), bytes(0x12), varint(deep.length), deep);
    assertThrows(MalformedProtoException.class, () -> HParamsPluginData.parse(content), "the decoder refuses it");
    byte[] value = SummaryValue.of("_hparams_/session_start_info",
        SummaryMetadata.forPlugin("hparams", content, 0), null).toByteArray();
    Recorder rec = new Recorder() {
      @Override
      public void onValue(EventView event, ValueView v) {
        super.onValue(event, v);
        if (v.hasMetadata()) {
          HParamsPluginData.parse(v.metadata().pluginData().content());
        }
      }
    };
    scan(Records.concat(TfRecordFormat.frame(summaryEvent(1, value, scalarValue("after", 2))),
        TfRecordFormat.frame(good(2))), rec);
    assertEquals(List.of("_hparams_/session_start_info", "after", "loss"), rec.tags());
    assertEquals(List.of(Problem.Kind.MALFORMED_VALUE), rec.kinds());
  }

  private static byte[] varint(int v) {
    ProtoWriter w = new ProtoWriter();
    w.writeVarint32(v);
    return w.toByteArray();
  }

  private static int varintSize(int v) {
    return ProtoWriter.varintSize(v);
  }

  @Test
  void scan_onEventDecodingBadPayload_isReportedAsMalformedEventAndItsValuesNotDelivered() {
    ProtoWriter w = new ProtoWriter();
    w.writeInt64Field(Event.STEP, 4);
    w.writeBytesFieldAlways(Event.SESSION_LOG, bytes(0x08)); // status varint missing
    byte[] first = TfRecordFormat.frame(good(3));
    byte[] file = Records.concat(first, TfRecordFormat.frame(w.toByteArray()), TfRecordFormat.frame(good(5)));
    List<SessionLog> logs = new ArrayList<>();
    Recorder rec = new Recorder() {
      @Override
      public void onEvent(EventView event) {
        super.onEvent(event);
        if (event.kind() == EventKind.SESSION_LOG) {
          logs.add(event.sessionLog());
        }
      }
    };
    ScanResult r = scan(file, rec);
    assertEquals(List.of(3L, 4L, 5L), rec.steps());
    assertEquals(List.of(), logs);
    assertEquals(List.of(Problem.Kind.MALFORMED_EVENT), rec.kinds());
    assertEquals(first.length, rec.problems.get(0).offset());
    assertEquals(1, r.malformedEvents());
  }

  @Test
  void scan_handlerThrowingAnythingElse_propagates() {
    byte[] file = Records.concat(TfRecordFormat.frame(good(1)), TfRecordFormat.frame(good(2)));
    IllegalStateException boom = new IllegalStateException("boom");
    EventHandler onEvent = new EventHandler() {
      @Override
      public void onEvent(EventView event) {
        if (event.step() == 2) {
          throw boom;
        }
      }
    };
    assertSame(boom, assertThrows(IllegalStateException.class, () -> scan(file, onEvent)));

    UncheckedIOException io = new UncheckedIOException(new IOException("disk full"));
    EventHandler onValue = new EventHandler() {
      @Override
      public void onValue(EventView event, ValueView value) {
        throw io;
      }
    };
    assertSame(io, assertThrows(UncheckedIOException.class, () -> scan(file, onValue)));

    // misuse of the view is the handler's bug, not damage in the file
    EventHandler misuse = new EventHandler() {
      @Override
      public void onValue(EventView event, ValueView value) {
        value.tensor().shape(); // a simple_value has no tensor: NullPointerException
      }
    };
    assertThrows(NullPointerException.class, () -> scan(file, misuse));
  }

  @Test
  void scan_handlerThrowingFromOnProblem_propagates() {
    byte[] file = Records.concat(TfRecordFormat.frame(bytes(0x12, 1, 5)), TfRecordFormat.frame(good(2)));
    EventHandler h = new EventHandler() {
      @Override
      public void onProblem(Problem problem) {
        throw new IllegalArgumentException(problem.kind().name());
      }
    };
    assertEquals("MALFORMED_EVENT", assertThrows(IllegalArgumentException.class, () -> scan(file, h)).getMessage());
  }

  @Test
  void scan_malformedEventInARealFile_throughThePathOverload(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    byte[] first = TfRecordFormat.frame(good(1));
    Files.write(file, Records.concat(first, TfRecordFormat.frame(bytes(0x2A, 100, 1)), TfRecordFormat.frame(good(2))));
    Recorder rec = new Recorder();
    ScanResult r = EventScanner.create().scan(file, rec);
    assertEquals(List.of(1L, 2L), rec.steps());
    assertEquals(List.of(Problem.Kind.MALFORMED_EVENT), rec.kinds());
    assertEquals(first.length, rec.problems.get(0).offset());
    assertEquals(file.toString(), rec.problems.get(0).file());
    assertEquals(file.toString(), r.file());
  }

  @Test
  void readerOffsets_pointAtTheBadByte() {
    MalformedProtoException e = assertThrows(MalformedProtoException.class,
        () -> Event.parse(Records.concat(good(1), bytes(0x12, 1, 5))));
    assertEquals(good(1).length + 1, e.offset(), "just after the key of the bad field");
    ProtoReader r = ProtoReader.of(Records.concat(bytes(0x10), repeat(0x80, 11)));
    assertEquals(0x10, r.readTag());
    MalformedProtoException v = assertThrows(MalformedProtoException.class, r::readVarint64);
    assertEquals(1, v.offset(), "where the varint starts");
    assertTrue(v.getMessage().contains("longer than 10 bytes"), v.getMessage());
  }
}
