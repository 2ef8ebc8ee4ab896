package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES =
      Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");

  /** The exit status and what went to stdout and stderr. */
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void inspect_smallFile_printsExactTable() {
    Path file = FIXTURES.resolve("gen-tensorboardX/hparams/trial_0/events.out.tfevents.1795718565.vm");
    Run r = run("inspect", file.toString());
    assertEquals(0, r.status());
    assertEquals("== " + file + "\n" + """
           6 records, 6 events, file_version brain.Event:2, writer (not recorded)
           events by kind: file_version 1, summary 5
           problems: none
           tag                           kind     plugin   count  steps first..last  min..max  first 3 ... last 3
           _hparams_/experiment          hparams  hparams      1  0..0               0..0
           _hparams_/session_start_info  hparams  hparams      1  0..0               0..0
           _hparams_/session_end_info    hparams  hparams      1  0..0               0..0
           hparam/accuracy               scalar   -            1  0..0               0..0      (0, 0.5)
           hparam/loss                   scalar   -            1  0..0               0..0      (0, 1)

        """, r.out());
  }

  @Test
  void inspectJson_scalarsFixture_matchesManifestValues() throws IOException {
    Path dir = FIXTURES.resolve("gen-tensorboardX/scalars");
    Run r = run("inspect", "--json", dir.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode files = JSON.readTree(r.out()).get("files");
    assertEquals(3, files.size(), "the run and its two scalar-group sub-runs");
    JsonNode main = files.get(0);
    assertEquals(2118, main.get("records").asLong());
    assertEquals(2118, main.get("events").asLong());
    assertEquals("brain.Event:2", main.get("file_version").asText());
    assertFalse(main.get("truncated").asBoolean());
    assertEquals(0, main.get("crc_errors").asLong());
    JsonNode loss = main.get("tags").get("loss/train");
    assertEquals("scalar", loss.get("kind").asText());
    assertTrue(loss.get("plugin").isNull());
    assertEquals(1000, loss.get("count").asLong());
    assertEquals(0, loss.get("first_step").asLong());
    assertEquals(999, loss.get("last_step").asLong());
    assertEquals("[[0,1.0040452480316162],[1,0.9985556602478027],[2,0.9998936653137207]]",
        loss.get("first3").toString());
    assertEquals("[[997,0.036646414548158646],[998,0.03829484432935715],[999,0.04333892837166786]]",
        loss.get("last3").toString());
    JsonNode tags = main.get("tags");
    assertEquals("[[0,\"NaN\"]]", tags.get("special/nan").get("first3").toString());
    assertEquals("[[1,\"Infinity\"]]", tags.get("special/pos_inf").get("first3").toString());
    assertEquals("[[2,\"-Infinity\"]]", tags.get("special/neg_inf").get("last3").toString());
    assertEquals(1099511627776L, tags.get("special/big_step").get("max_step").asLong());
    assertEquals(-5, tags.get("special/negative_step").get("min_step").asLong());
    assertTrue(tags.has("unicode/überschrift_損失"));
  }

  @Test
  void inspectJson_nonScalarTags_haveKindAndPluginWithoutPoints() throws IOException {
    Run r = run("inspect", "--json", FIXTURES.resolve("gen-tensorboardX/media").toString());
    assertEquals(0, r.status());
    JsonNode tags = JSON.readTree(r.out()).get("files").get(0).get("tags");
    assertEquals("text", tags.get("text/plain/text_summary").get("kind").asText());
    assertEquals("text", tags.get("text/plain/text_summary").get("plugin").asText());
    assertEquals("audio", tags.get("audio/sine").get("kind").asText());
    assertFalse(tags.get("audio/sine").has("first3"));
  }

  @Test
  void inspect_truncatedFile_reportsProblemAndExitsOne() throws IOException {
    Path dir = FIXTURES.resolve("tf1-MorvanZhou-tutorials/Reinforcement_learning_TUT/5_Deep_Q_Network/logs");
    Run r = run("inspect", "--json", dir.toString());
    assertEquals(1, r.status());
    JsonNode f = JSON.readTree(r.out()).get("files").get(0);
    assertTrue(f.get("truncated").asBoolean());
    assertEquals(53248, f.get("trailing_bytes").asLong());
    assertEquals("TRUNCATED_RECORD", f.get("problems").get(0).get("kind").asText());
    assertEquals(49174, f.get("problems").get(0).get("offset").asLong());

    Run text = run("inspect", dir.toString());
    assertEquals(1, text.status());
    assertTrue(text.out().contains("TRUNCATED_RECORD at offset 49174"), text.out());
  }

  @Test
  void inspect_corruptChecksum_reportsOffsetAndExitsOne(@TempDir Path tmp) throws IOException {
    byte[] a = TfRecordFormat.frame(scalarEvent("loss", 1f, 1).toByteArray());
    byte[] b = TfRecordFormat.frame(scalarEvent("loss", 2f, 2).toByteArray());
    b[b.length - 1] ^= 0x40; // damage the data checksum of the second record
    Path f = tmp.resolve("events.out.tfevents.1700000000.host.1.0");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(a);
    bytes.write(b);
    bytes.write(a);
    Files.write(f, bytes.toByteArray());
    Run r = run("inspect", "--json", f.toString());
    assertEquals(1, r.status());
    JsonNode file = JSON.readTree(r.out()).get("files").get(0);
    assertEquals(1, file.get("crc_errors").asLong());
    assertEquals(2, file.get("records").asLong());
    assertEquals("DATA_CRC_MISMATCH", file.get("problems").get(0).get("kind").asText());
    assertEquals(a.length, file.get("problems").get(0).get("offset").asLong());
  }

  @Test
  void inspect_missingPath_exitsTwoWithMessage() {
    Run r = run("inspect", "/no/such/logdir");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("no such file or directory: /no/such/logdir"), r.err());
  }

  @Test
  void inspect_directoryWithoutEventFiles_saysSoAndExitsZero(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("notes.txt"), "hello");
    Run r = run("inspect", "--json", tmp.toString());
    assertEquals(0, r.status());
    assertTrue(r.err().contains("no event files"), r.err());
    assertEquals(0, JSON.readTree(r.out()).get("files").size());
  }

  @Test
  void inspect_hostileTagNames_areEscapedForTheTerminal(@TempDir Path tmp) throws IOException {
    String hostile = "loss\u001b[2J\u001b]0;pwned\u0007\nfake line";
    Path f = tmp.resolve("events.out.tfevents.1700000000.host.1.0");
    Files.write(f, TfRecordFormat.frame(scalarEvent(hostile, 0.5f, 3).toByteArray()));
    Run text = run("inspect", f.toString());
    assertEquals(0, text.status());
    assertFalse(text.out().contains("\u001b"), "no raw escape character reaches the terminal");
    assertTrue(text.out().contains("loss\\u001b[2J\\u001b]0;pwned\\u0007\\nfake line"), text.out());
    assertEquals(1, text.out().lines().filter(l -> l.contains("fake line")).count(), "no injected line break");

    Run json = run("inspect", "--json", f.toString());
    JsonNode tags = JSON.readTree(json.out()).get("files").get(0).get("tags");
    assertTrue(tags.has(hostile), "JSON keeps the tag exactly, escaped by the JSON encoder");
  }

  @Test
  void inspect_withoutArguments_printsUsageAndExitsTwo() {
    Run r = run("inspect");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("Missing required parameter: 'PATH'"), r.err());
  }

  private static Event scalarEvent(String tag, float value, long step) {
    return new Event(1.7e9 + step, step,
        new Summary(List.of(SummaryValue.of(tag, null, new SummaryValue.SimpleValue(value)))), null);
  }
}
