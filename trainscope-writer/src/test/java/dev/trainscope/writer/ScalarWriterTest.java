package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.EventHandler;
import dev.trainscope.events.EventScanner;
import dev.trainscope.events.EventView;
import dev.trainscope.events.FileInventory;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalarWriterTest {
  static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);

  @TempDir
  Path dir;

  private SummaryWriter writer() {
    return SummaryWriter.builder(dir).clock(() -> T0).build();
  }

  private static float scalarOf(Read.Value v) {
    TensorProto t = (TensorProto) v.value().value();
    assertEquals(DataType.DT_FLOAT, t.dataType());
    assertEquals(TensorShape.SCALAR, t.shape());
    assertEquals(1, t.floatVal().length);
    return t.floatVal()[0];
  }

  @Test
  void scalar_specialValuesAndSteps_readBackEqual() {
    double[] values = {0.0, -0.0, 1.5, -2.25, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        3.4e38, 1e-45, Math.PI};
    long[] steps = {0, 1, -1, 127, 128, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -300, 42};
    try (SummaryWriter w = writer()) {
      for (int i = 0; i < values.length; i++) {
        w.scalar("x", values[i], steps[i]);
      }
    }
    List<Read.Value> read = Read.values(Read.onlyEventFile(dir), "x");
    assertEquals(values.length, read.size());
    for (int i = 0; i < values.length; i++) {
      assertEquals(steps[i], read.get(i).step(), "step " + i);
      assertEquals(Float.floatToIntBits((float) values[i]), Float.floatToIntBits(scalarOf(read.get(i))), "value " + i);
    }
  }

  @Test
  void scalar_nanValue_readsBackAsNaN() throws IOException {
    try (SummaryWriter w = writer()) {
      w.scalar("loss", Double.NaN, 7);
    }
    FileInventory inv = FileInventory.of(Read.onlyEventFile(dir));
    FileInventory.TagStats loss = inv.tags().get("loss");
    assertTrue(loss.isScalar());
    assertTrue(Double.isNaN(loss.first3().get(0)[1]));
    assertEquals(7, loss.firstStep());
  }

  @Test
  void file_firstRecordIsFileVersion_withWriterName() {
    try (SummaryWriter w = writer()) {
      w.scalar("a", 1, 1);
    }
    List<Event> events = Read.events(Read.onlyEventFile(dir));
    Event first = events.get(0);
    assertEquals(new Event.FileVersion("brain.Event:2"), first.what());
    assertEquals("dev.trainscope.writer", first.sourceMetadata().writer());
    assertEquals(1.70000000025e9, first.wallTime());
    assertEquals(2, events.size());
  }

  @Test
  void fileName_followsTensorBoardPattern() {
    try (SummaryWriter w = writer(); SummaryWriter w2 = SummaryWriter.builder(dir).clock(() -> T0)
        .fileNameSuffix(".v2").build()) {
      String name = w.file().getFileName().toString();
      String pid = Long.toString(ProcessHandle.current().pid());
      assertTrue(name.matches("events\\.out\\.tfevents\\.1700000000\\.[A-Za-z0-9._-]+\\." + pid + "\\.\\d+"), name);
      String name2 = w2.file().getFileName().toString();
      assertTrue(name2.matches("events\\.out\\.tfevents\\.1700000000\\.[A-Za-z0-9._-]+\\." + pid + "\\.\\d+\\.v2"), name2);
      assertEquals(dir, w.file().getParent());
      assertEquals(dir, w.logdir());
    }
    assertEquals(2, Read.eventFiles(dir).size(), "two writers in one second, two files");
  }

  @Test
  void fileName_tenDigitSecondsEvenForSmallTimes() {
    try (SummaryWriter w = SummaryWriter.builder(dir).clock(() -> Instant.ofEpochSecond(12)).build()) {
      assertTrue(w.file().getFileName().toString().startsWith("events.out.tfevents.0000000012."));
    }
  }

  @Test
  void scalar_metadataOnlyOnFirstValuePerTag() {
    try (SummaryWriter w = writer()) {
      for (int step = 0; step < 3; step++) {
        w.scalar("a", step, step);
        w.scalar("b", -step, step);
      }
    }
    for (String tag : List.of("a", "b")) {
      List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), tag);
      assertEquals(3, vs.size());
      SummaryMetadata md = vs.get(0).value().metadata();
      assertNotNull(md, "first value of " + tag);
      assertEquals(PluginNames.SCALARS, md.pluginName());
      assertEquals(SummaryMetadata.DATA_CLASS_SCALAR, md.dataClass());
      assertArrayEquals(new byte[0], md.pluginData().content());
      assertNull(vs.get(1).value().metadata());
      assertNull(vs.get(2).value().metadata());
    }
  }

  /** The consumer's hand-built bytes are what the generic encoder of trainscope-events gives. */
  @Test
  void scalar_recordBytes_equalGenericEncoding() throws IOException {
    long[] steps = {0, 5, -5, Long.MAX_VALUE};
    try (SummaryWriter w = writer()) {
      for (long s : steps) {
        w.scalar("train/loss", 0.125, s);
      }
      w.scalar("zero/wall", 2, 3, 0.0);
    }
    List<byte[]> records = new ArrayList<>();
    EventScanner.create().scan(Read.onlyEventFile(dir), new EventHandler() {
      @Override
      public void onEvent(EventView e) {
        records.add(e.copyBytes());
      }
    });
    SummaryMetadata scalars = SummaryMetadata.forPlugin("scalars", new byte[0], SummaryMetadata.DATA_CLASS_SCALAR);
    for (int i = 0; i < steps.length; i++) {
      Event expected = new Event(1.70000000025e9, steps[i],
          Summary.of(SummaryValue.of("train/loss", i == 0 ? scalars : null, TensorProto.scalar(0.125f))), null);
      assertArrayEquals(expected.toByteArray(), records.get(i + 1), "record of step " + steps[i]);
    }
    Event zeroWall = new Event(0.0, 3, Summary.of(SummaryValue.of("zero/wall", scalars, TensorProto.scalar(2f))), null);
    assertArrayEquals(zeroWall.toByteArray(), records.get(steps.length + 1));
  }

  @Test
  void scalar_wallTimes_fromClockOrGiven() {
    try (SummaryWriter w = writer()) {
      w.scalar("a", 1, 1);
      w.scalar("a", 2, 2, 1234.5);
      w.scalars("g", Map.of("x", 1), 3, 99.25);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "a");
    assertEquals(1.70000000025e9, vs.get(0).wallTime());
    assertEquals(1234.5, vs.get(1).wallTime());
    assertEquals(99.25, Read.values(Read.onlyEventFile(dir.resolve("g_x")), "g").get(0).wallTime());
  }

  @Test
  void scalars_group_writesOneSubRunPerKeyWithMainTag() {
    Map<String, Number> first = new LinkedHashMap<>();
    first.put("train", 1.0);
    first.put("validation", 2);
    try (SummaryWriter w = writer()) {
      w.scalars("loss/total", first, 1);
      w.scalars("loss/total", Map.of("train", 0.5f), 2);
      w.scalar("lr", 0.1, 1);
    }
    List<Read.Value> train = Read.values(Read.onlyEventFile(dir.resolve("loss_total_train")), "loss/total");
    assertEquals(2, train.size());
    assertEquals(1f, scalarOf(train.get(0)));
    assertEquals(0.5f, scalarOf(train.get(1)));
    assertEquals(2, train.get(1).step());
    assertNotNull(train.get(0).value().metadata());
    List<Read.Value> val = Read.values(Read.onlyEventFile(dir.resolve("loss_total_validation")), "loss/total");
    assertEquals(1, val.size());
    assertEquals(2f, scalarOf(val.get(0)));
    assertEquals(List.of(), Read.values(Read.onlyEventFile(dir), "loss/total"));
    assertEquals(1, Read.values(Read.onlyEventFile(dir), "lr").size());
  }

  @Test
  void flush_makesEverythingReadable_whileTheWriterStaysOpen() throws IOException {
    try (SummaryWriter w = writer()) {
      for (int i = 0; i < 10_000; i++) {
        w.scalar("s", i, i);
      }
      w.flush();
      FileInventory inv = FileInventory.of(w.file());
      assertEquals(10_000, inv.tags().get("s").count());
      assertEquals(9_999, inv.tags().get("s").lastStep());
      assertTrue(inv.problems().isEmpty(), inv.problems().toString());
    }
  }

  @Test
  void scalar_becomesVisibleWithoutFlush_soon() throws Exception {
    try (SummaryWriter w = writer()) {
      w.scalar("live", 1, 1);
      long deadline = System.nanoTime() + 5_000_000_000L;
      long count = 0;
      while (System.nanoTime() < deadline) {
        FileInventory.TagStats s = FileInventory.of(w.file()).tags().get("live");
        count = s == null ? 0 : s.count();
        if (count == 1) {
          break;
        }
        Thread.sleep(2);
      }
      assertEquals(1, count, "a live reader sees the value without a flush");
    }
  }

  /** With the system clock, calls share the consumer's reading while it is busy: still the call's time. */
  @Test
  void scalar_defaultClock_wallTimesLieWithinTheCallWindow() {
    double before;
    double after;
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      before = System.currentTimeMillis() / 1000.0;
      for (int i = 0; i < 200_000; i++) {
        w.scalar("busy", i, i);
      }
      w.flush();
      after = System.currentTimeMillis() / 1000.0;
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "busy");
    assertEquals(200_000, vs.size());
    for (Read.Value v : vs) {
      assertTrue(v.wallTime() >= before && v.wallTime() <= after, v.wallTime() + " not in [" + before + ", " + after + "]");
      assertEquals(v.wallTime(), Math.rint(v.wallTime() * 1000) / 1000, 1e-9, "millisecond resolution");
    }
  }

  @Test
  void describe_givesFirstValueDisplayNameAndDescription() {
    try (SummaryWriter w = writer()) {
      w.describe("loss", "Training loss", "Cross-entropy, **mean** over the batch");
      w.scalar("loss", 1, 1);
      w.scalar("loss", 1, 2);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "loss");
    SummaryMetadata md = vs.get(0).value().metadata();
    assertEquals("Training loss", md.displayName());
    assertEquals("Cross-entropy, **mean** over the batch", md.summaryDescription());
    assertEquals(PluginNames.SCALARS, md.pluginName());
    assertNull(vs.get(1).value().metadata());
  }

  @Test
  void describe_withMeaning_writesTheMachineLineThatReadersParse() {
    var meaning = dev.trainscope.events.meaning.TagMeaning.of(dev.trainscope.events.meaning.Role.LOSS,
        dev.trainscope.events.meaning.Split.VALIDATION, "", "", dev.trainscope.events.meaning.TagMeaning.METADATA);
    try (SummaryWriter w = writer()) {
      w.describe("objective", "Validation objective", "The mean loss over the validation set.", meaning);
      w.scalar("objective", 0.5, 1);
    }
    SummaryMetadata md = Read.values(Read.onlyEventFile(dir), "objective").get(0).value().metadata();
    assertEquals("The mean loss over the validation set.\n\nrole: loss, split: val", md.summaryDescription());
    assertEquals(meaning, dev.trainscope.events.meaning.TagMeaning.fromDescription(md.summaryDescription()));
  }

  @Test
  void fsyncOnFlush_writesAndSyncs() throws IOException {
    try (SummaryWriter w = SummaryWriter.builder(dir).fsyncOnFlush(true).queueCapacity(3).build()) {
      for (int i = 0; i < 100; i++) {
        w.scalar("s", i, i);
      }
      w.flush();
      assertEquals(100, FileInventory.of(w.file()).tags().get("s").count());
    }
  }

  @Test
  void create_makesMissingDirectories() {
    Path deep = dir.resolve("a/b/c");
    try (SummaryWriter w = SummaryWriter.create(deep)) {
      w.scalar("s", 1, 1);
    }
    assertTrue(Files.isDirectory(deep));
    assertEquals(1, Read.values(Read.onlyEventFile(deep), "s").size());
  }
}
