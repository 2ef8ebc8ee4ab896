package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Objects;

/**
 * TensorBoard's {@code Event} ({@code tensorboard/compat/proto/event.proto}): one record of an
 * event file.
 *
 * <pre>
 * message Event {
 *   double wall_time = 1;  int64 step = 2;
 *   oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5;
 *                LogMessage log_message = 6; SessionLog session_log = 7;
 *                TaggedRunMetadata tagged_run_metadata = 8; bytes meta_graph_def = 9; }
 *   SourceMetadata source_metadata = 10;
 * }
 * </pre>
 *
 * @param what the {@code oneof what}; null when the event carries none of them
 * @param sourceMetadata null when absent
 */
public record Event(double wallTime, long step, Payload what, SourceMetadata sourceMetadata) {

  public static final int WALL_TIME = 1;
  public static final int STEP = 2;
  public static final int FILE_VERSION = 3;
  public static final int GRAPH_DEF = 4;
  public static final int SUMMARY = 5;
  public static final int LOG_MESSAGE = 6;
  public static final int SESSION_LOG = 7;
  public static final int TAGGED_RUN_METADATA = 8;
  public static final int META_GRAPH_DEF = 9;
  public static final int SOURCE_METADATA = 10;

  /** The members of {@code oneof what}. */
  public sealed interface Payload
      permits FileVersion, GraphDef, Summary, LogMessage, SessionLog, TaggedRunMetadata, MetaGraphDef {}

  /** {@code file_version}, e.g. {@code "brain.Event:2"}. */
  public record FileVersion(String version) implements Payload {
    public FileVersion {
      Objects.requireNonNull(version, "version");
    }
  }

  /** {@code graph_def}: a serialized GraphDef, kept as bytes. */
  public record GraphDef(byte[] bytes) implements Payload {
    public GraphDef {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GraphDef g && java.util.Arrays.equals(bytes, g.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "GraphDef[" + bytes.length + " bytes]";
    }
  }

  /** {@code meta_graph_def}: a serialized MetaGraphDef, kept as bytes. */
  public record MetaGraphDef(byte[] bytes) implements Payload {
    public MetaGraphDef {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MetaGraphDef g && java.util.Arrays.equals(bytes, g.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "MetaGraphDef[" + bytes.length + " bytes]";
    }
  }

  public static Event parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  public static Event parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  /** Reads an Event from the reader to the end of its current message. */
  static Event decode(ProtoReader r) {
    double wallTime = 0;
    long step = 0;
    Payload what = null;
    SourceMetadata source = null;
    for (int tag; (tag = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(tag)) {
        case WALL_TIME:
          r.expect(tag, ProtoReader.I64, "wall_time");
          wallTime = r.readDouble();
          break;
        case STEP:
          r.expect(tag, ProtoReader.VARINT, "step");
          step = r.readInt64();
          break;
        case FILE_VERSION:
          r.expect(tag, ProtoReader.LEN, "file_version");
          what = new FileVersion(r.readString());
          break;
        case GRAPH_DEF:
          r.expect(tag, ProtoReader.LEN, "graph_def");
          what = new GraphDef(r.readBytes());
          break;
        case SUMMARY:
          r.expect(tag, ProtoReader.LEN, "summary");
          what = r.readMessage(Summary::decode);
          break;
        case LOG_MESSAGE:
          r.expect(tag, ProtoReader.LEN, "log_message");
          what = r.readMessage(LogMessage::decode);
          break;
        case SESSION_LOG:
          r.expect(tag, ProtoReader.LEN, "session_log");
          what = r.readMessage(SessionLog::decode);
          break;
        case TAGGED_RUN_METADATA:
          r.expect(tag, ProtoReader.LEN, "tagged_run_metadata");
          what = r.readMessage(TaggedRunMetadata::decode);
          break;
        case META_GRAPH_DEF:
          r.expect(tag, ProtoReader.LEN, "meta_graph_def");
          what = new MetaGraphDef(r.readBytes());
          break;
        case SOURCE_METADATA:
          r.expect(tag, ProtoReader.LEN, "source_metadata");
          source = r.readMessage(SourceMetadata::decode);
          break;
        default:
          r.skipField(tag);
      }
    }
    return new Event(wallTime, step, what, source);
  }

  void encodeTo(ProtoWriter w) {
    w.writeDoubleField(WALL_TIME, wallTime);
    w.writeInt64Field(STEP, step);
    if (what instanceof FileVersion v) {
      w.writeStringFieldAlways(FILE_VERSION, v.version());
    } else if (what instanceof GraphDef g) {
      w.writeBytesFieldAlways(GRAPH_DEF, g.bytes());
    } else if (what instanceof Summary s) {
      w.writeMessageField(SUMMARY, s::encodeTo);
    } else if (what instanceof LogMessage m) {
      w.writeMessageField(LOG_MESSAGE, m::encodeTo);
    } else if (what instanceof SessionLog s) {
      w.writeMessageField(SESSION_LOG, s::encodeTo);
    } else if (what instanceof TaggedRunMetadata t) {
      w.writeMessageField(TAGGED_RUN_METADATA, t::encodeTo);
    } else if (what instanceof MetaGraphDef g) {
      w.writeBytesFieldAlways(META_GRAPH_DEF, g.bytes());
    }
    if (sourceMetadata != null) {
      w.writeMessageField(SOURCE_METADATA, sourceMetadata::encodeTo);
    }
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  /** The summary this event carries, or null. */
  public Summary summary() {
    return what instanceof Summary s ? s : null;
  }
}
