package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.microsoft.playwright.Download;
import dev.trainscope.data.ScalarPoints;
import dev.trainscope.writer.SummaryWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Scalars tab's export (issue 18, item 3): the selected runs x the tags matching the tag
 * filter, downloaded from the page as the browser saves it, read back by commons-csv (and the JSON
 * Lines by Jackson), equal to the store's points bit for bit and in the export's order.
 */
@ExtendWith(Chromium.Tests.class)
class ExportBrowserTest {
  static final String[] RUNS = {"lr=0.1,bs=32", "lr=0.01", "baseline"};

  static void writeLogdir(Path logdir) throws Exception {
    Random r = new Random(18);
    for (String run : RUNS) {
      try (SummaryWriter log = SummaryWriter.create(logdir.resolve(run))) {
        for (int s = 0; s < 400; s++) {
          log.scalar("train/loss", s == 17 ? Double.NaN : Math.exp(-s / 100.0) + r.nextGaussian() * 1e-3, s);
          log.scalar("val/\"acc\"", s == 3 ? Double.POSITIVE_INFINITY : r.nextFloat(), s);
          log.scalar("lr", 1e-5 * (1 + s % 7), s);
          log.scalar("other", r.nextFloat(), s);
        }
      }
    }
  }

  /** The store's points for the runs and tags, in the export's order: run, tag, step, wall bits, value bits. */
  static List<long[]> storePoints(Served s, List<String> runs, List<String> tags) {
    List<long[]> out = new ArrayList<>();
    for (String run : runs.stream().sorted().toList()) {
      for (String tag : tags.stream().sorted().toList()) {
        ScalarPoints p = s.store.scalars(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, 1_000_000);
        for (int i = 0; i < p.size(); i++) {
          out.add(new long[] {runs.indexOf(run), tags.indexOf(tag), p.steps()[i],
              Double.doubleToLongBits(p.wallTimes()[i]), Double.doubleToLongBits(p.values()[i])});
        }
      }
    }
    return out;
  }

  /** A value as written read back: a float where the store holds one (pandas: dtype float32), else a double. */
  static double readValue(String text, double stored) {
    String t = text.equals("nan") || text.equals("NaN") ? "NaN" : text.equals("inf") || text.equals("Infinity")
        ? "Infinity" : text.equals("-inf") || text.equals("-Infinity") ? "-Infinity" : text;
    return (double) (float) stored == stored ? Float.parseFloat(t) : Double.parseDouble(t);
  }

  @Test
  void exportFromThePage_csvAndJsonLines_equalTheStoresPoints_bitForBit(Chromium chromium, @TempDir Path logdir)
      throws Exception {
    writeLogdir(logdir);
    List<String> runs = List.of(RUNS[0], RUNS[1]);
    List<String> tags = List.of("train/loss", "val/\"acc\"");
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=scalars&runFilter=" + RegexFilterBrowserTest.q("^lr=") + "&tagFilter="
          + RegexFilterBrowserTest.q("loss|acc"));
      p.waitFor("() => document.querySelector('#sc-export-what')?.textContent === '2 runs × 2 tags, every point'",
          null);
      List<long[]> expected = storePoints(s, runs, tags);
      assertEquals(2 * 2 * 400, expected.size());

      Download csv = p.page.waitForDownload(() -> p.locator("#sc-export").click());
      assertEquals("scalars.csv", csv.suggestedFilename());
      String text = Files.readString(csv.path(), StandardCharsets.UTF_8);
      org.apache.commons.csv.CSVParser parser = CSVFormat.RFC4180.withFirstRecordAsHeader().parse(new StringReader(text));
      assertEquals(List.of("run", "tag", "step", "wall_time", "value"), parser.getHeaderNames());
      List<CSVRecord> rows = parser.getRecords();
      assertEquals(expected.size(), rows.size());
      for (int i = 0; i < rows.size(); i++) {
        CSVRecord row = rows.get(i);
        long[] e = expected.get(i);
        String where = "row " + (i + 1) + ": " + row;
        assertEquals(runs.get((int) e[0]), row.get("run"), where);
        assertEquals(tags.get((int) e[1]), row.get("tag"), where);
        assertEquals(e[2], Long.parseLong(row.get("step")), where);
        assertTrue(row.get("wall_time").matches("\\d+\\.\\d+"), where);
        assertEquals(e[3], Double.doubleToLongBits(Double.parseDouble(row.get("wall_time"))), where);
        double stored = Double.longBitsToDouble(e[4]);
        assertEquals(e[4], Double.doubleToLongBits(readValue(row.get("value"), stored)), where);
      }
      assertTrue(text.contains("\n\"lr=0.1,bs=32\",\"val/\"\"acc\"\"\",3,"), "quoted names");
      assertTrue(text.contains(",nan\n") && text.contains(",inf\n"), "not-a-number and infinity as pandas reads them");

      p.page.selectOption("#sc-export-format", "json");
      Download json = p.page.waitForDownload(() -> p.locator("#sc-export").click());
      assertEquals("scalars.jsonl", json.suggestedFilename());
      // the numbers as the decimals written (a float's shortest digits are read as a float below)
      JsonMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
      List<String> lines = Files.readAllLines(json.path(), StandardCharsets.UTF_8);
      assertEquals(expected.size(), lines.size());
      for (int i = 0; i < lines.size(); i++) {
        JsonNode o = mapper.readTree(lines.get(i));
        long[] e = expected.get(i);
        String where = "line " + (i + 1) + ": " + lines.get(i);
        assertEquals(runs.get((int) e[0]), o.get("run").asText(), where);
        assertEquals(tags.get((int) e[1]), o.get("tag").asText(), where);
        assertEquals(e[2], o.get("step").asLong(), where);
        assertEquals(e[3], Double.doubleToLongBits(Double.parseDouble(o.get("wall_time").decimalValue().toString())), where);
        double stored = Double.longBitsToDouble(e[4]);
        JsonNode value = o.get("value");
        String v = Double.isFinite(value.doubleValue()) ? value.decimalValue().toString() : Double.toString(value.doubleValue());
        assertEquals(e[4], Double.doubleToLongBits(readValue(v, stored)), where);
      }

      // a filter that matches no scalar tag: the control says so and leaves nothing to download
      p.page.navigate(s.base + "/#tab=scalars&tagFilter=" + RegexFilterBrowserTest.q("no_such_tag"));
      p.waitFor("() => document.querySelector('#sc-export-what')?.textContent"
          + " === 'No scalar tag in the selected runs matches the tag filter.'", null);
      assertTrue(p.page.getAttribute("#sc-export", "aria-disabled") != null, "the link is marked disabled");
      if (Boolean.getBoolean("trainscope.screenshots")) {
        p.open("tab=scalars&tagFilter=" + RegexFilterBrowserTest.q("loss|acc"));
        p.waitFor("() => document.querySelector('#sc-export-what')?.textContent === '3 runs × 2 tags, every point'",
            null);
        p.page.selectOption("#sc-export-format", "csv");
        p.locator(".sc-export").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions()
            .setPath(Path.of("../docs/screenshots/export.png")));
      }
      p.assertNoErrors();
    }
  }
}
