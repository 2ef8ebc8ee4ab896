package dev.trainscope.data;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes scalar points in long format, one line a point, for pandas, R and spreadsheets: the
 * format of {@code trainscope export} and of the dashboard's export, both through this class.
 *
 * <pre>
 * CSV (RFC 4180, UTF-8, "\n" line ends):
 *   run,tag,step,wall_time,value
 *   train,loss,100,1796628416.581234,0.6931
 *   "a,b","say ""hi""",101,1796628416.63,nan
 *
 * JSON Lines (one object a line, UTF-8):
 *   {"run":"train","tag":"loss","step":100,"wall_time":1796628416.581234,"value":0.6931}
 * </pre>
 *
 * A run or tag holding a comma, a double quote, a line break or a leading or trailing space is
 * quoted, its quotes doubled. A step is an integer. A wall time is written in plain decimals, never
 * in E notation, with the fewest digits that read back as the same double. A value is written as
 * Python's {@code repr} writes a float (pandas and R read it as is): the fewest digits that read
 * back as the same number (two when one would do but two are nearer, as Java's {@code
 * Double.toString} chooses from JDK 19 on: {@code 1.4e-45}, not {@code 1e-45}), in E notation below
 * 1e-4 and from 1e16 on ({@code 1e-05}, {@code 1.5e+16}). A value logged as a 32-bit float (nearly all are) gets the float's own shortest digits
 * ({@code 0.1}, not the {@code 0.10000000149011612} of its double), which read back as that float.
 * Not-a-number and the infinities are {@code nan}, {@code inf} and {@code -inf} in CSV (what
 * pandas and R's {@code read.csv} read as such), {@code NaN}, {@code Infinity} and {@code
 * -Infinity} in JSON (what Python's json and pandas' {@code read_json} read; strict JSON has no
 * word for them).
 *
 * <p>Points are formatted into a byte buffer of its own, written to the stream when full: nothing
 * allocated per point. Not thread-safe.
 */
public final class ScalarExportWriter implements Flushable {
  /** The export formats. */
  public enum Format {
    CSV("csv", "text/csv; charset=utf-8"),
    JSON("jsonl", "application/x-ndjson; charset=utf-8");

    private final String extension;
    private final String contentType;

    Format(String extension, String contentType) {
      this.extension = extension;
      this.contentType = contentType;
    }

    /** The file name extension: {@code csv}, or {@code jsonl} for JSON Lines. */
    public String extension() {
      return extension;
    }

    /** The HTTP content type. */
    public String contentType() {
      return contentType;
    }

    /** {@code csv} or {@code json} (any case); otherwise an IllegalArgumentException naming both. */
    public static Format parse(String name) {
      Objects.requireNonNull(name, "format");
      switch (name.toLowerCase(Locale.ROOT)) {
        case "csv": return CSV;
        case "json": case "jsonl": return JSON;
        default: throw new IllegalArgumentException("the format must be csv or json, was '"
            + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
      }
    }
  }

  static final byte[] CSV_HEADER = "run,tag,step,wall_time,value\n".getBytes(StandardCharsets.US_ASCII);
  /** The most a point takes after its prefix: a step, the longest plain double (a subnormal), a value. */
  private static final int MAX_POINT_BYTES = 20 + 1 + 360 + 1 + 30 + 40;

  private final Format format;
  private final OutputStream out;
  private final ShortestDecimal decimal = new ShortestDecimal();
  private byte[] buf = new byte[1 << 16];
  private int pos;
  /** The bytes every point of the current series starts with: its run and tag, and the step's key. */
  private byte[] prefix;
  private long points;

  private ScalarExportWriter(Format format, OutputStream out) {
    this.format = Objects.requireNonNull(format, "format");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** A writer to {@code out}; for CSV the header is the first line. Nothing is written to the stream until a flush or a full buffer. */
  public static ScalarExportWriter of(Format format, OutputStream out) {
    ScalarExportWriter w = new ScalarExportWriter(format, out);
    if (format == Format.CSV) {
      System.arraycopy(CSV_HEADER, 0, w.buf, 0, CSV_HEADER.length);
      w.pos = CSV_HEADER.length;
    }
    return w;
  }

  /** A writer of points that follow others already written: no header. */
  static ScalarExportWriter continuing(Format format, OutputStream out) {
    return new ScalarExportWriter(format, out);
  }

  /** Writes bytes that another writer of this format formatted. */
  void raw(byte[] bytes) throws IOException {
    drain();
    out.write(bytes);
  }

  /** Counts points that another writer formatted (see {@link #raw}). */
  void counted(long n) {
    points += n;
  }

  public Format format() {
    return format;
  }

  /** The points written so far. */
  public long points() {
    return points;
  }

  /** Starts the series of the points that follow. */
  public void series(String run, String tag) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(tag, "tag");
    StringBuilder b = new StringBuilder(run.length() + tag.length() + 40);
    if (format == Format.CSV) {
      csvField(b, run).append(',');
      csvField(b, tag).append(',');
    } else {
      b.append("{\"run\":");
      jsonString(b, run).append(",\"tag\":");
      jsonString(b, tag).append(",\"step\":");
    }
    prefix = b.toString().getBytes(StandardCharsets.UTF_8);
    if (buf.length < prefix.length + MAX_POINT_BYTES) {
      buf = java.util.Arrays.copyOf(buf, prefix.length + MAX_POINT_BYTES + (1 << 16));
    }
  }

  /** Writes a point of the current series. */
  public void point(long step, double wallTime, double value) throws IOException {
    byte[] p = prefix;
    if (p == null) {
      throw new IllegalStateException("no series: call series(run, tag) before the points");
    }
    if (buf.length - pos < p.length + MAX_POINT_BYTES) {
      drain();
    }
    System.arraycopy(p, 0, buf, pos, p.length);
    pos += p.length;
    pos = writeLong(buf, pos, step);
    if (format == Format.CSV) {
      buf[pos++] = ',';
      pos = wallTime(buf, pos, wallTime, false);
      buf[pos++] = ',';
      pos = value(buf, pos, value, false);
      buf[pos++] = '\n';
    } else {
      pos = ascii(buf, pos, ",\"wall_time\":");
      pos = wallTime(buf, pos, wallTime, true);
      pos = ascii(buf, pos, ",\"value\":");
      pos = value(buf, pos, value, true);
      buf[pos++] = '}';
      buf[pos++] = '\n';
    }
    points++;
  }

  /** Writes what is buffered to the stream, and flushes the stream. */
  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  /** The text of a value as the export writes it, for tests and messages. */
  static String valueText(double v, boolean json) {
    byte[] b = new byte[MAX_POINT_BYTES];
    return new String(b, 0, new ScalarExportWriter(Format.CSV, OutputStream.nullOutputStream()).value(b, 0, v, json),
        StandardCharsets.US_ASCII);
  }

  /** The text of a wall time as the export writes it. */
  static String wallTimeText(double v, boolean json) {
    byte[] b = new byte[MAX_POINT_BYTES];
    return new String(b, 0, new ScalarExportWriter(Format.CSV, OutputStream.nullOutputStream()).wallTime(b, 0, v, json),
        StandardCharsets.US_ASCII);
  }

  private static StringBuilder csvField(StringBuilder b, String s) {
    boolean quote = !s.isEmpty() && (s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ');
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      return b.append(s);
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        b.append('"');
      }
      b.append(c);
    }
    return b.append('"');
  }

  private static StringBuilder jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"');
  }

  private static int ascii(byte[] b, int p, String s) {
    for (int i = 0; i < s.length(); i++) {
      b[p++] = (byte) s.charAt(i);
    }
    return p;
  }

  private static int writeLong(byte[] b, int p, long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(b, p, "-9223372036854775808");
    }
    if (v < 0) {
      b[p++] = '-';
      v = -v;
    }
    return writeDigits(b, p, v, digitCount(v));
  }

  /** The digits of {@code v >= 0}: log10 from the bit length, corrected by one comparison. */
  private static int digitCount(long v) {
    int t = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
    return v < POW10[t] ? Math.max(t, 1) : t + 1;
  }

  /**
   * Writes the n digits of v >= 0, eight at a time (one long division for each eight), two at a
   * time within them from a table: a division by 10 per digit took most of an export's time.
   */
  private static int writeDigits(byte[] b, int p, long v, int n) {
    int end = p + n;
    int i = end;
    while (n > 8) {
      long q = v / 100_000_000L;
      i = write8(b, i, (int) (v - q * 100_000_000L));
      v = q;
      n -= 8;
    }
    int x = (int) v;
    while (n >= 2) {
      int q = x / 100;
      int r = (x - q * 100) << 1;
      b[--i] = PAIRS[r + 1];
      b[--i] = PAIRS[r];
      x = q;
      n -= 2;
    }
    if (n == 1) {
      b[--i] = (byte) ('0' + x);
    }
    return end;
  }

  /** The eight digits of {@code x < 10^8}, zeros in front, ending before {@code i}; returns where they start. */
  private static int write8(byte[] b, int i, int x) {
    for (int k = 0; k < 4; k++) {
      int q = x / 100;
      int r = (x - q * 100) << 1;
      b[--i] = PAIRS[r + 1];
      b[--i] = PAIRS[r];
      x = q;
    }
    return i;
  }

  /** "00" to "99". */
  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  /**
   * A value ({@code plainOnly} false: a float's own shortest digits when it is one, as Python's
   * repr writes a float) or a wall time ({@code plainOnly} true: plain decimals whatever its size).
   */
  private int number(byte[] b, int p, double v, boolean json, boolean plainOnly) {
    if (v != v) {
      return ascii(b, p, json ? "NaN" : "nan");
    }
    if (Double.isInfinite(v)) {
      return ascii(b, p, v > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"));
    }
    if (Double.doubleToRawLongBits(v) < 0) {
      b[p++] = '-';
      v = -v;
    }
    if (v == 0) {
      return ascii(b, p, "0.0");
    }
    float f = (float) v;
    if (!plainOnly && f == v) {
      decimal.ofFloat(f);
    } else {
      decimal.ofDouble(v);
    }
    long d = decimal.digits;
    int n = digitCount(d);
    int point = n + decimal.exponent; // the number is 0.DIGITS x 10^point
    int e = point - 1;
    if (plainOnly || e >= -4 && e < 16) {
      return plain(b, p, d, n, point);
    }
    // d.ddd e[+-]XX
    b[p++] = (byte) ('0' + d / pow10(n - 1));
    if (n > 1) {
      b[p++] = '.';
      p = writeDigits(b, p, d % pow10(n - 1), n - 1);
    }
    b[p++] = 'e';
    b[p++] = (byte) (e < 0 ? '-' : '+');
    int a = Math.abs(e);
    if (a < 10) {
      b[p++] = '0';
    }
    return writeDigits(b, p, a, a >= 100 ? 3 : a >= 10 ? 2 : 1);
  }

  private int value(byte[] b, int p, double v, boolean json) {
    return number(b, p, v, json, false);
  }

  private int wallTime(byte[] b, int p, double v, boolean json) {
    return number(b, p, v, json, true);
  }

  /** 0.DIGITS x 10^point in plain decimals, with at least one digit after the point. */
  private static int plain(byte[] b, int p, long d, int n, int point) {
    if (point >= n) {
      p = writeDigits(b, p, d, n);
      for (int i = n; i < point; i++) {
        b[p++] = '0';
      }
      b[p++] = '.';
      b[p++] = '0';
      return p;
    }
    if (point > 0) {
      long scale = pow10(n - point);
      p = writeDigits(b, p, d / scale, point);
      b[p++] = '.';
      return writeDigits(b, p, d % scale, n - point);
    }
    b[p++] = '0';
    b[p++] = '.';
    for (int i = point; i < 0; i++) {
      b[p++] = '0';
    }
    return writeDigits(b, p, d, n);
  }

  private static long pow10(int n) {
    return POW10[n];
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }
}
