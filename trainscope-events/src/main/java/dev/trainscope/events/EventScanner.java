package dev.trainscope.events;

import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.LogMessage;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TaggedRunMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.wire.ProtoReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams the events of a TensorBoard event file to an {@link EventHandler}, decoding lazily:
 * for each record it reads only the event's wall time, step and kind, and for each summary value
 * only its tag and kind; a payload is decoded when the handler asks for it.
 *
 * <p>Damage never escapes as an exception: framing problems come from {@link RecordScanner}; a
 * record that is not a valid Event is reported as {@link Problem.Kind#MALFORMED_EVENT} and
 * skipped; a value that cannot be decoded (also when the handler's own lazy decoding throws {@link
 * MalformedProtoException}) is reported as {@link Problem.Kind#MALFORMED_VALUE} and the rest of
 * the event is kept. Other exceptions from the handler propagate.
 *
 * <p>A scanner holds no state between scans and may be shared by threads.
 */
public final class EventScanner {
  private final RecordScanner records;

  private EventScanner(RecordScanner records) {
    this.records = records;
  }

  /** A scanner that verifies both checksums of every record. */
  public static EventScanner create() {
    return new EventScanner(RecordScanner.create());
  }

  public static EventScanner create(RecordScanner records) {
    return new EventScanner(records);
  }

  public ScanResult scan(Path file, EventHandler handler) throws IOException {
    return scan(file, ScanPosition.START, handler);
  }

  /** Scans a file from a position. Throws only when the file cannot be opened. */
  public ScanResult scan(Path file, ScanPosition from, EventHandler handler) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return scan(ch, file.toString(), from, handler);
    }
  }

  public ScanResult scan(SeekableByteChannel channel, String name, ScanPosition from, EventHandler handler) {
    return scan(channel, name, from, Long.MAX_VALUE, handler);
  }

  /**
   * Scans from {@code from} until the first record boundary at least {@code limit} bytes on, or
   * the end of the channel: a big file in bounded chunks (see {@link ScanResult#reachedLimit()}).
   */
  public ScanResult scan(SeekableByteChannel channel, String name, ScanPosition from, long limit,
      EventHandler handler) {
    return scan(channel, name, from, limit, handler, new TagStrings());
  }

  /**
   * The same, with the caller's table of tag strings, which a reader that takes a file in chunks
   * keeps from one chunk to the next (see {@link TagStrings}).
   */
  public ScanResult scan(SeekableByteChannel channel, String name, ScanPosition from, long limit,
      EventHandler handler, TagStrings tags) {
    java.util.Objects.requireNonNull(tags, "tags: a TagStrings to keep across scans, or use the overload without it");
    // the general start only where a file or a tag table starts (see Decoder.onRecord)
    Decoder d = new Decoder(name, handler, tags, from.offset() == 0 || tags.isEmpty());
    ScanResult r = records.scan(channel, name, from, limit, d, handler::onProblem);
    return new ScanResult(r.file(), r.start(), r.next(), r.records(), r.records() - d.malformedEvents,
        r.truncated(), r.trailingBytes(), r.lengthCrcErrors(), r.dataCrcErrors(), r.impossibleLengths(),
        r.skippedBytes(), d.malformedEvents, d.malformedValues, r.bytesRead(), r.reachedLimit());
  }

  /**
   * The 8 bytes before the value of TensorFlow 2's rank-0 float tensor, read as one little-endian
   * long: {@code 42 0a} (tensor, 10 bytes) {@code 08 01} (dtype float) {@code 12 00} (empty shape)
   * {@code 2a 04} (4 bytes of tensor content).
   */
  private static final long RANK0_FLOAT_TENSOR = 0x042a001201080a42L;

  /**
   * How many records at the start of a scan skip the scalar shortcut when it starts a file or a
   * tag table (see Decoder.onRecord).
   */
  static final int GENERAL_FIRST = 256;

  /** Decodes the records of one scan into views and calls the handler. */
  private static final class Decoder implements RecordScanner.RecordHandler {
    private final String file;
    private final EventHandler handler;
    private final ProtoReader reader = ProtoReader.of(new byte[0]);
    private final TagStrings tags;
    private final EventImpl event = new EventImpl();
    private final ValueImpl value = new ValueImpl();
    long malformedEvents;
    long malformedValues;
    /** Records seen by this scan. */
    private int seen;

    Decoder(String file, EventHandler handler, TagStrings tags, boolean generalStart) {
      this.file = file;
      this.handler = handler;
      this.tags = tags;
      this.seen = generalStart ? 0 : GENERAL_FIRST;
    }

    @Override
    public void onRecord(long offset, byte[] buf, int dataOffset, int dataLength) {
      EventImpl e = event;
      // The first records of a scan that starts a file or a tag table take the general path, the
      // shortcut only the steady stream after them. What happens only at a file's or a run's
      // start (the file_version event, the first value of each tag with its metadata, new tags,
      // an empty tag table) then never meets the shortcut's compiled code: the JIT compiles it
      // from a profile of the steady stream, and each such event used to throw that code away (a
      // compile log showed the shortcut compiled two to four times during a cold load). A scan
      // from the middle of a file with the tags it has seen (the next chunk of a big file, a
      // poll of a growing one) takes the shortcut from its first record.
      if (seen++ >= GENERAL_FIRST && scalarShortcut(e, offset, buf, dataOffset, dataLength)) {
        return;
      }
      try {
        e.parse(reader, offset, buf, dataOffset, dataLength);
      } catch (MalformedProtoException ex) {
        malformed(Problem.Kind.MALFORMED_EVENT, offset, ex);
        return;
      }
      try {
        handler.onEvent(e);
      } catch (MalformedProtoException ex) {
        malformed(Problem.Kind.MALFORMED_EVENT, offset, ex);
        return;
      }
      if (e.kind == EventKind.SUMMARY) {
        values(e, offset, buf);
      }
    }

    /**
     * The layout nearly every scalar event of a training log has, matched byte by byte instead of
     * parsed field by field: wall_time, step, and a summary of one value holding a tag (of fewer
     * than 128 bytes) and either a simple_value or TensorFlow 2's 10-byte rank-0 float tensor, with
     * no metadata:
     *
     * <pre>
     *   09 wall:8  10 step:varint  2a len  0a len  0a taglen tag  ( 15 value:4
     *                                                             | 42 0a 08 01 12 00 2a 04 value:4 )
     * </pre>
     *
     * The handler is offered the event as plain numbers first ({@link EventHandler#onScalar});
     * when it declines, it sees the same views as on the general path. Returns false, having
     * changed nothing, when the event has any other shape.
     */
    private boolean scalarShortcut(EventImpl e, long offset, byte[] b, int off, int len) {
      int end = off + len;
      if (len < 22 || b[off] != 0x09 || b[off + 9] != 0x10) {
        return false;
      }
      // the step's varint read as one word (the event is long enough): its bytes up to the first
      // without the continuation bit, their 7-bit groups put together without a loop; a step of
      // more than 8 bytes (2^56 and up, or negative) takes the general path
      int p = off + 10;
      long w = TfRecordFormat.readLongLE(b, p);
      long stops = ~w & 0x8080808080808080L;
      if (stops == 0) {
        return false;
      }
      int bits = Long.numberOfTrailingZeros(stops) + 1;
      long x = (bits == 64 ? w : w & ((1L << bits) - 1)) & 0x7F7F7F7F7F7F7F7FL;
      // 7-bit groups joined in pairs, then fours, then eights
      x = (x & 0x007F007F007F007FL) | (x >>> 1 & 0x3F803F803F803F80L);
      x = (x & 0x00003FFF00003FFFL) | (x >>> 2 & 0x0FFFC0000FFFC000L);
      long step = (x & 0x000000000FFFFFFFL) | (x >>> 4 & 0x00FFFFFFF0000000L);
      p += bits >>> 3;
      // summary (2a), one length byte running to the end of the event; one value (0a) filling it,
      // its tag (0a) with a length byte: five bytes checked as one word, the shape of the rest
      // (tag, value) needing at least 11 bytes
      int rest = end - p;
      if (rest < 11 || rest > 129) {
        return false;
      }
      long h = TfRecordFormat.readLongLE(b, p);
      if ((h & 0xFF_FFFF_FFFFL) != (0x0a_00_0a_00_2aL | (long) (rest - 2) << 8 | (long) (rest - 4) << 24)) {
        return false;
      }
      int summaryAt = p + 2;
      int valueAt = p + 4;
      int tagLen = (int) (h >>> 40) & 0xFF;
      int tagAt = p + 6;
      int q = tagAt + tagLen;
      float v;
      int payloadAt;
      ValueKind kind;
      if (tagLen > 127) {
        return false;
      } else if (q + 5 == end && b[q] == 0x15) {
        kind = ValueKind.SIMPLE_VALUE;
        payloadAt = q + 1;
        v = Float.intBitsToFloat(TfRecordFormat.readIntLE(b, payloadAt));
      } else if (q + 12 == end && TfRecordFormat.readLongLE(b, q) == RANK0_FLOAT_TENSOR) {
        kind = ValueKind.TENSOR;
        payloadAt = q + 2;
        v = Float.intBitsToFloat(TfRecordFormat.readIntLE(b, q + 8));
      } else {
        return false;
      }
      double wall = Double.longBitsToDouble(TfRecordFormat.readLongLE(b, off + 1));
      String tag = tags.get(b, tagAt, tagLen);
      if (!handler.onScalar(wall, step, tag, v, kind == ValueKind.TENSOR)) {
        declined(e, offset, b, off, len, wall, step, tag, v, kind, summaryAt, valueAt, payloadAt);
      }
      return true;
    }

    /**
     * A shortcut event the handler declined as numbers: the same views as on the general path. A
     * method of its own, out of the shortcut's compiled code (a store never declines).
     */
    private void declined(EventImpl e, long offset, byte[] b, int off, int len, double wall, long step, String tag,
        float v, ValueKind kind, int summaryAt, int valueAt, int payloadAt) {
      int end = off + len;
      e.recordOffset = offset;
      e.buf = b;
      e.dataOffset = off;
      e.dataLength = len;
      e.wallTime = wall;
      e.step = step;
      e.kind = EventKind.SUMMARY;
      e.payloadOffset = summaryAt;
      e.payloadLength = end - summaryAt;
      e.sourceOffset = -1;
      try {
        handler.onEvent(e);
      } catch (MalformedProtoException ex) {
        malformed(Problem.Kind.MALFORMED_EVENT, offset, ex);
        return;
      }
      ValueImpl val = value;
      val.buf = b;
      val.valueOffset = valueAt;
      val.valueLength = end - valueAt;
      val.eventDataOffset = off;
      val.index = 0;
      val.kind = kind;
      val.metaOffset = -1;
      val.metaLength = 0;
      val.payloadOffset = payloadAt;
      val.payloadLength = kind == ValueKind.SIMPLE_VALUE ? 4 : 10;
      val.simpleBits = Float.floatToRawIntBits(v);
      val.scalar = v;
      val.scalarState = 1;
      val.tag = tag;
      try {
        handler.onValue(e, val);
      } catch (MalformedProtoException ex) {
        malformed(Problem.Kind.MALFORMED_VALUE, offset, ex);
      }
    }

    private void values(EventImpl e, long offset, byte[] buf) {
      int p = e.payloadOffset;
      int end = p + e.payloadLength;
      int index = 0;
      try {
        while (p < end) {
          if (buf[p] != ((1 << 3) | ProtoReader.LEN)) {
            ProtoReader r = reader.reset(buf, p, end - p);
            int t = r.readTag();
            if (ProtoReader.fieldNumber(t) == 1) {
              r.expect(t, ProtoReader.LEN, "value");
            }
            r.skipField(t);
            p = r.arrayPosition();
            continue;
          }
          int q;
          int len;
          if (p + 1 < end && buf[p + 1] >= 0) {
            len = buf[p + 1];
            q = p + 2;
            if (len > end - q) {
              Wire.checkLength(len, q, end, e.dataOffset); // throws
            }
          } else {
            long packed = Wire.lengthAt(buf, p + 1, end, e.dataOffset);
            q = p + 1 + (int) (packed & 15);
            len = (int) (packed >>> 4);
          }
          p = q + len;
          try {
            value.parse(tags, buf, q, len, index++, e.dataOffset);
            handler.onValue(e, value);
          } catch (MalformedProtoException ex) {
            malformed(Problem.Kind.MALFORMED_VALUE, offset, ex);
          }
        }
      } catch (MalformedProtoException ex) {
        malformed(Problem.Kind.MALFORMED_VALUE, offset, ex);
      }
    }

    private void malformed(Problem.Kind kind, long offset, MalformedProtoException ex) {
      if (kind == Problem.Kind.MALFORMED_EVENT) {
        malformedEvents++;
      } else {
        malformedValues++;
      }
      handler.onProblem(new Problem(kind, file, offset, ex.getMessage()));
    }
  }

  /** The reusable view of one event. */
  private static final class EventImpl implements EventView {
    long recordOffset;
    byte[] buf;
    int dataOffset;
    int dataLength;
    double wallTime;
    long step;
    EventKind kind;
    int payloadOffset;
    int payloadLength;
    int sourceOffset;
    int sourceLength;

    void parse(ProtoReader r, long offset, byte[] b, int off, int len) {
      recordOffset = offset;
      buf = b;
      dataOffset = off;
      dataLength = len;
      wallTime = 0;
      step = 0;
      kind = EventKind.NONE;
      payloadOffset = 0;
      payloadLength = 0;
      sourceOffset = -1;
      int p = off;
      int end = off + len;
      while (p < end) {
        int key = b[p];
        if (key <= 0) {
          p = slowField(r, b, p, end); // a key of several bytes or 0: unknown or invalid
          continue;
        }
        p++;
        if (key == ((Event.WALL_TIME << 3) | ProtoReader.I64)) {
          Wire.need(8, p, end, off, "wall_time");
          wallTime = Double.longBitsToDouble(TfRecordFormat.readLongLE(b, p));
          p += 8;
          continue;
        }
        if (key == ((Event.STEP << 3) | ProtoReader.VARINT)) {
          long v = 0;
          int shift = 0;
          int start = p;
          byte x;
          do {
            if (p >= end || shift > 63) {
              Wire.skipVarint(b, start, end, off); // throws with the right message
            }
            x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            shift += 7;
          } while (x < 0);
          step = v;
          continue;
        }
        int field = key >>> 3;
        if ((key & 7) != ProtoReader.LEN || field < Event.FILE_VERSION || field > Event.SOURCE_METADATA) {
          p = slowField(r, b, p - 1, end);
          continue;
        }
        int q;
        int n;
        if (p < end && b[p] >= 0) {
          n = b[p];
          q = p + 1;
          if (n > end - q) {
            Wire.checkLength(n, q, end, off); // throws
          }
        } else {
          long packed = Wire.lengthAt(b, p, end, off);
          q = p + (int) (packed & 15);
          n = (int) (packed >>> 4);
        }
        if (field == Event.SOURCE_METADATA) {
          sourceOffset = q;
          sourceLength = n;
        } else {
          kind = KINDS[field];
          payloadOffset = q;
          payloadLength = n;
        }
        p = q + n;
      }
    }

    /** The event kind of each field number of {@code oneof what}. */
    private static final EventKind[] KINDS = {
      null, null, null, EventKind.FILE_VERSION, EventKind.GRAPH_DEF, EventKind.SUMMARY, EventKind.LOG_MESSAGE,
      EventKind.SESSION_LOG, EventKind.TAGGED_RUN_METADATA, EventKind.META_GRAPH_DEF
    };

    /** Any field the fast path does not know: validated if it is a known field, else skipped. */
    private int slowField(ProtoReader r, byte[] b, int p, int end) {
      r.reset(b, p, end - p);
      int t = r.readTag();
      int field = ProtoReader.fieldNumber(t);
      if (field >= Event.WALL_TIME && field <= Event.SOURCE_METADATA) {
        r.expect(t, field == Event.WALL_TIME ? ProtoReader.I64
            : field == Event.STEP ? ProtoReader.VARINT : ProtoReader.LEN, fieldName(field));
      }
      r.skipField(t);
      return r.arrayPosition();
    }

    private static String fieldName(int field) {
      switch (field) {
        case Event.WALL_TIME: return "wall_time";
        case Event.STEP: return "step";
        case Event.FILE_VERSION: return "file_version";
        case Event.GRAPH_DEF: return "graph_def";
        case Event.SUMMARY: return "summary";
        case Event.LOG_MESSAGE: return "log_message";
        case Event.SESSION_LOG: return "session_log";
        case Event.TAGGED_RUN_METADATA: return "tagged_run_metadata";
        case Event.META_GRAPH_DEF: return "meta_graph_def";
        default: return "source_metadata";
      }
    }

    @Override
    public long recordOffset() {
      return recordOffset;
    }

    @Override
    public int recordLength() {
      return dataLength;
    }

    @Override
    public double wallTime() {
      return wallTime;
    }

    @Override
    public long step() {
      return step;
    }

    @Override
    public EventKind kind() {
      return kind;
    }

    @Override
    public String fileVersion() {
      return kind == EventKind.FILE_VERSION
          ? new String(buf, payloadOffset, payloadLength, StandardCharsets.UTF_8) : null;
    }

    @Override
    public String sourceWriter() {
      return sourceOffset < 0 ? null
          : dev.trainscope.events.proto.SourceMetadata.parse(buf, sourceOffset, sourceLength).writer();
    }

    @Override
    public byte[] graphBytes() {
      return kind == EventKind.GRAPH_DEF || kind == EventKind.META_GRAPH_DEF
          ? Arrays.copyOfRange(buf, payloadOffset, payloadOffset + payloadLength) : null;
    }

    @Override
    public SessionLog sessionLog() {
      return kind == EventKind.SESSION_LOG ? SessionLog.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public LogMessage logMessage() {
      return kind == EventKind.LOG_MESSAGE ? LogMessage.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public TaggedRunMetadata taggedRunMetadata() {
      return kind == EventKind.TAGGED_RUN_METADATA
          ? TaggedRunMetadata.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public Event decode() {
      return Event.parse(buf, dataOffset, dataLength);
    }

    @Override
    public byte[] copyBytes() {
      return Arrays.copyOfRange(buf, dataOffset, dataOffset + dataLength);
    }
  }

  /** The reusable view of one summary value. */
  private static final class ValueImpl implements ValueView {
    private final ProtoReader reader = ProtoReader.of(new byte[0]);
    byte[] buf;
    int valueOffset;
    int valueLength;
    int eventDataOffset;
    int index;
    String tag;
    ValueKind kind;
    int metaOffset;
    int metaLength;
    int payloadOffset;
    int payloadLength;
    int simpleBits;
    /** 0 unknown, 1 scalar, 2 not a scalar. */
    int scalarState;
    double scalar;

    void parse(TagStrings tags, byte[] b, int off, int len, int idx, int eventDataOffset) {
      buf = b;
      valueOffset = off;
      valueLength = len;
      this.eventDataOffset = eventDataOffset;
      index = idx;
      kind = ValueKind.NONE;
      metaOffset = -1;
      metaLength = 0;
      payloadOffset = 0;
      payloadLength = 0;
      scalarState = 0;
      int tagOff = -1;
      int tagLen = 0;
      int nodeOff = -1;
      int nodeLen = 0;
      int p = off;
      int end = off + len;
      while (p < end) {
        int key = b[p];
        if (key <= 0) {
          p = slowField(b, p, end);
          continue;
        }
        p++;
        if (key == ((SummaryValue.SIMPLE_VALUE << 3) | ProtoReader.I32)) {
          Wire.need(4, p, end, off, "simple_value");
          kind = ValueKind.SIMPLE_VALUE;
          payloadOffset = p;
          payloadLength = 4;
          simpleBits = TfRecordFormat.readIntLE(b, p);
          p += 4;
          continue;
        }
        if ((key & 7) != ProtoReader.LEN || key > ((SummaryValue.METADATA << 3) | ProtoReader.LEN)) {
          p = slowField(b, p - 1, end);
          continue;
        }
        int q;
        int n;
        if (p < end && b[p] >= 0) {
          n = b[p];
          q = p + 1;
          if (n > end - q) {
            Wire.checkLength(n, q, end, off); // throws
          }
        } else {
          long packed = Wire.lengthAt(b, p, end, off);
          q = p + (int) (packed & 15);
          n = (int) (packed >>> 4);
        }
        switch (key >>> 3) {
          case SummaryValue.TAG:
            tagOff = q;
            tagLen = n;
            break;
          case SummaryValue.NODE_NAME:
            nodeOff = q;
            nodeLen = n;
            break;
          case SummaryValue.METADATA:
            metaOffset = q;
            metaLength = n;
            break;
          case SummaryValue.OBSOLETE_OLD_STYLE_HISTOGRAM:
            payload(ValueKind.OBSOLETE_OLD_STYLE_HISTOGRAM, q, n);
            break;
          case SummaryValue.IMAGE:
            payload(ValueKind.IMAGE, q, n);
            break;
          case SummaryValue.HISTO:
            payload(ValueKind.HISTO, q, n);
            break;
          case SummaryValue.AUDIO:
            payload(ValueKind.AUDIO, q, n);
            break;
          case SummaryValue.TENSOR:
            payload(ValueKind.TENSOR, q, n);
            break;
          default: // field 2 (simple_value) sent as LEN: a wrong wire type
            p = slowField(b, p - 1, end);
            continue;
        }
        p = q + n;
      }
      if (tagLen > 0 || nodeOff < 0) {
        tag = tagOff < 0 ? "" : tags.get(b, tagOff, tagLen);
      } else {
        tag = tags.get(b, nodeOff, nodeLen);
      }
    }

    private void payload(ValueKind k, int at, int n) {
      kind = k;
      payloadOffset = at;
      payloadLength = n;
    }

    /** Any field the fast path does not know: validated if it is a known field, else skipped. */
    private int slowField(byte[] b, int p, int end) {
      ProtoReader r = reader.reset(b, p, end - p);
      int t = r.readTag();
      int field = ProtoReader.fieldNumber(t);
      if (field >= SummaryValue.TAG && field <= SummaryValue.METADATA) {
        r.expect(t, field == SummaryValue.SIMPLE_VALUE ? ProtoReader.I32 : ProtoReader.LEN,
            "Summary.Value field " + field);
      }
      r.skipField(t);
      return r.arrayPosition();
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String tag() {
      return tag;
    }

    @Override
    public ValueKind kind() {
      return kind;
    }

    @Override
    public boolean hasMetadata() {
      return metaOffset >= 0;
    }

    @Override
    public String pluginName() {
      if (metaOffset < 0) {
        return "";
      }
      ProtoReader r = reader.reset(buf, metaOffset, metaLength);
      String name = "";
      for (int t; (t = r.readTag()) != 0; ) {
        if (t == ((1 << 3) | ProtoReader.LEN)) {
          int old = r.pushLimit();
          for (int u; (u = r.readTag()) != 0; ) {
            if (u == ((1 << 3) | ProtoReader.LEN)) {
              name = r.readString();
            } else {
              r.skipField(u);
            }
          }
          r.popLimit(old);
        } else {
          r.skipField(t);
        }
      }
      return name;
    }

    @Override
    public SummaryMetadata metadata() {
      return metaOffset < 0 ? null : SummaryMetadata.parse(buf, metaOffset, metaLength);
    }

    @Override
    public boolean isScalar() {
      if (scalarState == 0) {
        resolveScalar();
      }
      return scalarState == 1;
    }

    @Override
    public double scalar() {
      if (!isScalar()) {
        throw new IllegalStateException("value of tag '" + tag + "' is " + kind + ", not a scalar");
      }
      return scalar;
    }

    private void resolveScalar() {
      if (kind == ValueKind.SIMPLE_VALUE) {
        scalar = Float.intBitsToFloat(simpleBits);
        scalarState = 1;
      } else if (kind == ValueKind.TENSOR) {
        scalarState = ScalarTensor.read(buf, payloadOffset, payloadLength, reader, this) ? 1 : 2;
      } else {
        scalarState = 2;
      }
    }

    @Override
    public HistogramProto histogram() {
      return kind == ValueKind.HISTO ? HistogramProto.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public ImageProto image() {
      return kind == ValueKind.IMAGE ? ImageProto.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public AudioProto audio() {
      return kind == ValueKind.AUDIO ? AudioProto.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public TensorProto tensor() {
      return kind == ValueKind.TENSOR ? TensorProto.parse(buf, payloadOffset, payloadLength) : null;
    }

    @Override
    public SummaryValue decode() {
      return SummaryValue.parse(buf, valueOffset, valueLength);
    }

    @Override
    public int payloadOffset() {
      return payloadOffset - eventDataOffset;
    }

    @Override
    public int payloadLength() {
      return payloadLength;
    }

    @Override
    public <T> T readPayload(PayloadReader<T> reader) {
      return reader.read(buf, payloadOffset, payloadLength);
    }
  }

  /**
   * Reads a rank-0 real-number tensor's value without building a TensorProto: the hot path of a
   * tensor-style scalar file. The first element of whichever representation is present counts.
   */
  private static final class ScalarTensor {
    private ScalarTensor() {}

    /**
     * The fast path for the layout every writer uses (dtype, an empty shape, one packed or
     * unpacked float or double); anything else goes to {@link #read(ProtoReader, byte[], ValueImpl)}.
     */
    static boolean read(byte[] b, int off, int len, ProtoReader r, ValueImpl into) {
      // What TensorFlow 2, Keras and this project's writer write: dtype DT_FLOAT, an empty shape,
      // float_val packed with one element (08 01 12 00 2a 04 v v v v).
      if (len == 10 && TfRecordFormat.readIntLE(b, off) == 0x00120108 && b[off + 4] == 0x2a && b[off + 5] == 4) {
        into.scalar = Float.intBitsToFloat(TfRecordFormat.readIntLE(b, off + 6));
        return true;
      }
      int p = off;
      int end = off + len;
      int dtype = 0;
      int valueKey = 0;
      int valueAt = -1;
      while (p < end) {
        int key = b[p++];
        if (key == ((1 << 3) | ProtoReader.VARINT) && p < end && b[p] >= 0) {
          dtype = b[p++];
        } else if (key == ((2 << 3) | ProtoReader.LEN) && p < end && b[p] == 0) {
          p++; // empty shape: rank 0
        } else if ((key == ((5 << 3) | ProtoReader.LEN) && p < end && b[p] == 4)
            || (key == ((6 << 3) | ProtoReader.LEN) && p < end && b[p] == 8)) {
          int n = b[p++];
          Wire.need(n, p, end, off, "tensor value");
          if (valueAt < 0) {
            valueKey = key;
            valueAt = p;
          }
          p += n;
        } else {
          return read(r.reset(b, off, len), b, into);
        }
      }
      if (valueAt < 0 || (dtype != 1 && dtype != 2)) {
        return read(r.reset(b, off, len), b, into);
      }
      if (valueKey == ((5 << 3) | ProtoReader.LEN)) {
        into.scalar = Float.intBitsToFloat(TfRecordFormat.readIntLE(b, valueAt));
      } else {
        into.scalar = Double.longBitsToDouble(TfRecordFormat.readLongLE(b, valueAt));
      }
      return true;
    }

    static boolean read(ProtoReader r, byte[] buf, ValueImpl into) {
      int dtype = 0;
      boolean scalarShape = true;
      int valueField = 0;
      int valueAt = -1;
      int valueLength = -1; // -1: one unpacked element at valueAt
      for (int t; (t = r.readTag()) != 0; ) {
        int field = ProtoReader.fieldNumber(t);
        switch (field) {
          case 1:
            r.expect(t, ProtoReader.VARINT, "dtype");
            dtype = r.readInt32();
            break;
          case 2: {
            r.expect(t, ProtoReader.LEN, "tensor_shape");
            int old = r.pushLimit();
            for (int u; (u = r.readTag()) != 0; ) {
              int f = ProtoReader.fieldNumber(u);
              if (f == 2 || (f == 3 && u == ((3 << 3) | ProtoReader.VARINT) && r.readBool())) {
                scalarShape = false; // a dimension, or an unknown rank
              }
              if (f != 3 || ProtoReader.wireType(u) != ProtoReader.VARINT) {
                r.skipField(u);
              }
            }
            r.popLimit(old);
            break;
          }
          case 4: case 5: case 6: case 7: case 10: case 11: case 13: case 16: case 17:
            if (valueAt < 0 || field == valueField) {
              if (ProtoReader.wireType(t) == ProtoReader.LEN) {
                int len = r.readLength();
                if (valueAt < 0 && len > 0) {
                  valueField = field;
                  valueAt = r.arrayPosition();
                  valueLength = len;
                }
                r.skipRaw(len);
              } else if (field != 4) {
                r.expect(t, field == 5 ? ProtoReader.I32 : field == 6 ? ProtoReader.I64 : ProtoReader.VARINT,
                    "tensor value");
                if (valueAt < 0) {
                  valueField = field;
                  valueAt = r.arrayPosition();
                }
                r.skipField(t);
              } else {
                r.expect(t, ProtoReader.LEN, "tensor_content");
              }
            } else {
              r.skipField(t);
            }
            break;
          default:
            r.skipField(t);
        }
      }
      DataType type = DataType.of(dtype);
      if (!scalarShape || !type.isRealNumber()) {
        return false;
      }
      if (valueAt < 0) {
        into.scalar = 0; // TensorFlow fills a tensor given no values with zeros
        return true;
      }
      switch (valueField) {
        case 4:
          if (valueLength < type.width()) {
            throw new MalformedProtoException("tensor_content of " + valueLength + " bytes for one "
                + type + " element", valueAt);
          }
          into.scalar = TensorProto.elementAt(type, buf, valueAt);
          break;
        case 5:
          checkWidth(valueLength, 4, valueAt);
          into.scalar = Float.intBitsToFloat(TfRecordFormat.readIntLE(buf, valueAt));
          break;
        case 6:
          checkWidth(valueLength, 8, valueAt);
          into.scalar = Double.longBitsToDouble(TfRecordFormat.readLongLE(buf, valueAt));
          break;
        default:
          long v = r.reset(buf, valueAt, valueLength < 0 ? Math.min(10, buf.length - valueAt) : valueLength).readVarint64();
          into.scalar = TensorProto.fromVarint(type, v);
      }
      return true;
    }

    private static void checkWidth(int length, int width, int at) {
      if (length >= 0 && length % width != 0) {
        throw new MalformedProtoException("packed field of " + length + " bytes for " + width
            + "-byte elements", at);
      }
    }
  }
}
