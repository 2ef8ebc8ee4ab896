package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.plugins.AudioPluginData;
import dev.trainscope.events.plugins.HParamsPluginData;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The protobuf codec round-trips every message: decode(encode(m)) equals m, and encoding again
 * gives the same bytes (the writer is canonical, so a file re-written by Trainscope is identical).
 */
class CodecRoundTripTest {

  @Provide
  Arbitrary<Event> events() {
    return EventArbitraries.events();
  }

  @Provide
  Arbitrary<TensorProto> rawTensors() {
    return EventArbitraries.rawTensors();
  }

  @Provide
  Arbitrary<HParamsPluginData> hparams() {
    return EventArbitraries.hparams();
  }

  @Property(tries = 600, edgeCases = EdgeCasesMode.NONE)
  void event_encodeThenParse_isEqualAndReencodesIdentically(@ForAll("events") Event event) {
    byte[] bytes = event.toByteArray();
    Event parsed = Event.parse(bytes);
    assertEquals(event, parsed);
    assertArrayEquals(bytes, parsed.toByteArray(), "encode(parse(encode(e))) == encode(e)");
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void event_parsedFromTheMiddleOfAnArray_isTheSame(@ForAll("events") Event event,
      @ForAll @IntRange(max = 9) int before, @ForAll @IntRange(max = 9) int after) {
    byte[] bytes = event.toByteArray();
    byte[] padded = new byte[before + bytes.length + after];
    java.util.Arrays.fill(padded, (byte) 0xFF);
    System.arraycopy(bytes, 0, padded, before, bytes.length);
    assertEquals(event, Event.parse(padded, before, bytes.length));
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void tensor_everyFieldSet_roundTrips(@ForAll("rawTensors") TensorProto tensor) {
    byte[] bytes = tensor.toByteArray();
    TensorProto parsed = TensorProto.parse(bytes);
    assertEquals(tensor, parsed);
    assertArrayEquals(bytes, parsed.toByteArray());
    SummaryValue v = SummaryValue.of("t", null, tensor);
    assertEquals(v, SummaryValue.parse(v.toByteArray()));
  }

  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  void hparamsPluginData_roundTrips(@ForAll("hparams") HParamsPluginData data) {
    byte[] bytes = data.toByteArray();
    HParamsPluginData parsed = HParamsPluginData.parse(bytes);
    assertEquals(data, parsed);
    assertArrayEquals(bytes, parsed.toByteArray());
  }

  @Property(tries = 200)
  void smallPluginData_roundTrip(@ForAll int version, @ForAll int thresholds, @ForAll int encoding) {
    PrCurvePluginData pr = new PrCurvePluginData(version, thresholds);
    assertEquals(pr, PrCurvePluginData.parse(pr.toByteArray()));
    AudioPluginData audio = new AudioPluginData(version, encoding);
    assertEquals(audio, AudioPluginData.parse(audio.toByteArray()));
    VersionedPluginData v = new VersionedPluginData(version);
    assertEquals(v, VersionedPluginData.parse(v.toByteArray()));
  }

  /** Random records framed one after another are scanned back whole, in order, at their offsets. */
  @Property(tries = 300)
  void framing_randomRecords_scanBackInOrderWithOffsets(
      @ForAll("recordLists") List<byte[]> records,
      @ForAll("bufferSizes") int bufferSize,
      @ForAll("chunks") int maxChunk,
      @ForAll boolean verify) {
    byte[] file = Records.file(records);
    Records.Log log = new Records.Log();
    ScanResult r = RecordScanner.create(verify, bufferSize)
        .scan(new InMemoryChannel(file, maxChunk), "memory", ScanPosition.START, log, log);
    assertEquals(Records.expected(records), log.records);
    assertEquals(List.of(), log.problems);
    assertEquals(ScanPosition.at(file.length), r.next());
    assertEquals(records.size(), r.records());
    assertEquals(file.length, r.bytesRead());
  }

  /** Cut anywhere, scanned, completed and scanned again from where the first scan stopped. */
  @Property(tries = 300)
  void framing_cutAnywhereThenResumed_deliversEachRecordOnce(
      @ForAll("recordLists") List<byte[]> records,
      @ForAll("bufferSizes") int bufferSize,
      @ForAll double cutFraction) {
    byte[] file = Records.file(records);
    int cut = (int) Math.floor(Math.abs(cutFraction % 1.0) * (file.length + 1));
    InMemoryChannel channel = new InMemoryChannel(java.util.Arrays.copyOf(file, Math.min(cut, file.length)), 13);
    RecordScanner scanner = RecordScanner.create(true, bufferSize);
    Records.Log log = new Records.Log();
    ScanResult first = scanner.scan(channel, "memory", ScanPosition.START, log, log);
    channel.append(java.util.Arrays.copyOfRange(file, Math.min(cut, file.length), file.length));
    ScanResult second = scanner.scan(channel, "memory", first.next(), log, log);
    assertEquals(Records.expected(records), log.records);
    assertEquals(ScanPosition.at(file.length), second.next());
    assertEquals(first.truncated() ? List.of(Problem.Kind.TRUNCATED_RECORD) : List.of(), log.kinds());
  }

  @Provide
  Arbitrary<List<byte[]>> recordLists() {
    Arbitrary<byte[]> record = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, EventArbitraries.bytes(80)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(40, 60)
            .map(n -> new byte[n])),
        net.jqwik.api.Tuple.of(1, EventArbitraries.bytes(3000)));
    return record.list().ofMaxSize(25);
  }

  @Provide
  Arbitrary<Integer> bufferSizes() {
    return Arbitraries.of(64, 65, 100, 1024, RecordScanner.DEFAULT_BUFFER_SIZE);
  }

  @Provide
  Arbitrary<Integer> chunks() {
    return Arbitraries.of(1, 7, 64, Integer.MAX_VALUE);
  }
}
