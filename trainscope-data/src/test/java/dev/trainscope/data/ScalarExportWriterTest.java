package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The export's text: RFC 4180 quoting, plain wall times, values as Python's repr writes them, and
 * every float and double read back bit for bit by a CSV parser that is not ours (commons-csv).
 */
class ScalarExportWriterTest {

  static String csv(Object[][] rows) throws Exception {
    return write(ScalarExportWriter.Format.CSV, rows);
  }

  /** Rows of {run, tag, step, wall, value}. */
  static String write(ScalarExportWriter.Format format, Object[][] rows) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ScalarExportWriter w = ScalarExportWriter.of(format, bytes);
    for (Object[] r : rows) {
      w.series((String) r[0], (String) r[1]);
      w.point((Long) r[2], (Double) r[3], (Double) r[4]);
    }
    w.flush();
    assertEquals(rows.length, w.points());
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void csv_quotesNamesAsRfc4180_writesNonFiniteAsPandasReadsThem() throws Exception {
    String out = csv(new Object[][] {
        {"train", "loss", 0L, 1796628416.58, (double) 0.5f},
        {"a,b", "say \"hi\"", 1L, 1796628416.0, Double.NaN},
        {"two\nlines", " padded ", -3L, 0.0, Double.POSITIVE_INFINITY},
        {"crlf\r", "épsilon/λ", Long.MIN_VALUE, -0.0, Double.NEGATIVE_INFINITY},
        {".", "", Long.MAX_VALUE, 1.5, -0.0},
    });
    assertEquals("run,tag,step,wall_time,value\n"
        + "train,loss,0,1796628416.58,0.5\n"
        + "\"a,b\",\"say \"\"hi\"\"\",1,1796628416.0,nan\n"
        + "\"two\nlines\",\" padded \",-3,0.0,inf\n"
        + "\"crlf\r\",épsilon/λ,-9223372036854775808,-0.0,-inf\n"
        + ".,,9223372036854775807,1.5,-0.0\n", out);
  }

  @Test
  void json_oneObjectALine_escapesNames() throws Exception {
    String out = write(ScalarExportWriter.Format.JSON, new Object[][] {
        {"r\"1", "a\\b\n\u0001", 7L, 1796628416.581234, (double) 0.1f},
        {"r", "t", 8L, 1.0E9, Double.NaN},
        {"r", "t", 9L, 2.0, Double.NEGATIVE_INFINITY},
    });
    assertEquals("""
        {"run":"r\\"1","tag":"a\\\\b\\n\\u0001","step":7,"wall_time":1796628416.581234,"value":0.1}
        {"run":"r","tag":"t","step":8,"wall_time":1000000000.0,"value":NaN}
        {"run":"r","tag":"t","step":9,"wall_time":2.0,"value":-Infinity}
        """, out);
  }

  @Test
  void values_asPythonRepr_floatsWithTheirOwnShortestDigits() {
    assertEquals("0.1", ScalarExportWriter.valueText((double) 0.1f, false)); // not 0.10000000149011612
    assertEquals("0.1", ScalarExportWriter.valueText(0.1, false)); // a double that is no float: its own digits
    assertEquals("0.30000000000000004", ScalarExportWriter.valueText(0.1 + 0.2, false));
    assertEquals("3.0", ScalarExportWriter.valueText(3, false));
    assertEquals("0.0001", ScalarExportWriter.valueText(1e-4, false));
    assertEquals("1e-05", ScalarExportWriter.valueText(1e-5, false));
    assertEquals("1e-05", ScalarExportWriter.valueText((double) 1e-5f, false));
    assertEquals("1.2345e-07", ScalarExportWriter.valueText((double) 1.2345e-7f, false));
    assertEquals("1000000000000000.0", ScalarExportWriter.valueText(1e15, false));
    assertEquals("1e+16", ScalarExportWriter.valueText(1e16, false));
    assertEquals("3.4028235e+38", ScalarExportWriter.valueText(Float.MAX_VALUE, false));
    assertEquals("1.4e-45", ScalarExportWriter.valueText(Float.MIN_VALUE, false)); // as Java 19+: 2 digits when nearer
    assertEquals("4.9e-324", ScalarExportWriter.valueText(Double.MIN_VALUE, false));
    assertEquals("1.7976931348623157e+308", ScalarExportWriter.valueText(Double.MAX_VALUE, false));
    assertEquals("0.002", ScalarExportWriter.valueText(2e-3, false)); // Java 17 writes 0.0020
    assertEquals("1e+23", ScalarExportWriter.valueText(1e23, false)); // Java 17 writes 1.0000000000000001E23
    assertEquals("-2.5", ScalarExportWriter.valueText(-2.5, false));
  }

  @Test
  void wallTimes_plainDecimals_neverE() {
    assertEquals("1796628416.58", ScalarExportWriter.wallTimeText(1.79662841658E9, false));
    assertEquals("1796628416.5812345", ScalarExportWriter.wallTimeText(1796628416.5812345, false));
    assertEquals("0.000123", ScalarExportWriter.wallTimeText(1.23e-4, false));
    assertEquals("100000000000000000000.0", ScalarExportWriter.wallTimeText(1e20, false));
    assertEquals("-12.5", ScalarExportWriter.wallTimeText(-12.5, false));
    String tiny = ScalarExportWriter.wallTimeText(Double.MIN_VALUE, false);
    assertEquals("0." + "0".repeat(323) + "49", tiny);
    assertEquals(Double.MIN_VALUE, Double.parseDouble(tiny));
  }

  /** As pandas and R read the words for not-a-number and the infinities. */
  static double parse(String s) {
    switch (s) {
      case "nan": return Double.NaN;
      case "inf": return Double.POSITIVE_INFINITY;
      case "-inf": return Double.NEGATIVE_INFINITY;
      default: return Double.parseDouble(s);
    }
  }

  static float parseFloat(String s) {
    switch (s) {
      case "nan": return Float.NaN;
      case "inf": return Float.POSITIVE_INFINITY;
      case "-inf": return Float.NEGATIVE_INFINITY;
      default: return Float.parseFloat(s);
    }
  }

  @Test
  void roundTrip_randomFloatAndDoubleBitPatterns_throughCommonsCsv() throws Exception {
    SplittableRandom r = new SplittableRandom(18);
    int n = 300_000;
    float[] floats = new float[n];
    double[] doubles = new double[n];
    double[] walls = new double[n];
    long[] steps = new long[n];
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ScalarExportWriter w = ScalarExportWriter.of(ScalarExportWriter.Format.CSV, bytes);
    w.series("run", "tag");
    for (int i = 0; i < n; i++) {
      int bits = r.nextInt();
      if (i % 5 == 0) {
        bits &= 0x807FFFFF; // subnormals and zeros
      }
      floats[i] = Float.intBitsToFloat(bits);
      long dbits = r.nextLong();
      doubles[i] = Double.longBitsToDouble(dbits);
      // wall times as writers record them: seconds near now with any fraction, and any finite double
      walls[i] = i % 2 == 0 ? 1.7e9 + r.nextDouble() * 1e8 : Double.longBitsToDouble(dbits & 0x7FEFFFFFFFFFFFFFL);
      steps[i] = i % 7 == 0 ? r.nextLong() : r.nextLong(1_000_000);
      w.point(steps[i], walls[i], floats[i]);
      w.point(steps[i], walls[i], doubles[i]);
    }
    w.flush();
    List<CSVRecord> rows = CSVFormat.RFC4180.withFirstRecordAsHeader()
        .parse(new StringReader(bytes.toString(StandardCharsets.UTF_8))).getRecords();
    assertEquals(2 * n, rows.size());
    for (int k = 0; k < n; k++) {
      int i = k;
      CSVRecord f = rows.get(2 * i);
      CSVRecord d = rows.get(2 * i + 1);
      assertEquals(steps[i], Long.parseLong(f.get("step")));
      String wall = f.get("wall_time");
      assertFalse(wall.contains("e") || wall.contains("E"), wall);
      assertEquals(Double.doubleToLongBits(walls[i]), Double.doubleToLongBits(parse(wall)), wall);
      assertEquals(Float.floatToIntBits(floats[i]), Float.floatToIntBits(parseFloat(f.get("value"))),
          () -> Float.toString(floats[i]) + " as " + f.get("value"));
      if (Float.isFinite(floats[i]) && floats[i] != 0) {
        assertShortest(f.get("value"), floats[i]);
      }
      assertEquals(Double.doubleToLongBits(doubles[i]), Double.doubleToLongBits(parse(d.get("value"))),
          () -> doubles[i] + " as " + d.get("value"));
    }
  }

  /**
   * No decimal of fewer significant digits reads back as {@code f} (but two digits where one would
   * do, when they are nearer: Java's rule since JDK 19).
   */
  static void assertShortest(String text, float f) {
    BigDecimal b = new BigDecimal(text.replace("e+", "e"));
    int digits = b.stripTrailingZeros().precision();
    if (digits <= 2) {
      return;
    }
    BigDecimal exact = new BigDecimal(f);
    for (RoundingMode m : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
      BigDecimal shorter = exact.round(new MathContext(digits - 1, m));
      assertNotEquals(f, shorter.floatValue(), () -> text + " is not the shortest for " + f + ": " + shorter);
    }
  }

  @Test
  void format_parse_acceptsCsvAndJsonOnly() {
    assertEquals(ScalarExportWriter.Format.CSV, ScalarExportWriter.Format.parse("CSV"));
    assertEquals(ScalarExportWriter.Format.JSON, ScalarExportWriter.Format.parse("json"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScalarExportWriter.Format.parse("xlsx"));
    assertTrue(e.getMessage().contains("csv or json"), e.getMessage());
  }

  @Test
  void point_withoutSeries_isRefused() {
    ScalarExportWriter w = ScalarExportWriter.of(ScalarExportWriter.Format.CSV, new ByteArrayOutputStream());
    assertThrows(IllegalStateException.class, () -> w.point(1, 2, 3));
  }

  @Test
  void longNames_growTheBuffer() throws Exception {
    String tag = "t".repeat(1024);
    String run = "\"".repeat(70_000);
    String out = csv(new Object[][] {{run, tag, 1L, 1.0, 2.0}});
    List<CSVRecord> rows = CSVFormat.RFC4180.withFirstRecordAsHeader().parse(new StringReader(out)).getRecords();
    assertEquals(run, rows.get(0).get("run"));
    assertEquals(tag, rows.get(0).get("tag"));
  }
}
