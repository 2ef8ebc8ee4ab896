package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Objects;

/**
 * {@code SessionLog { SessionStatus status = 1; string checkpoint_path = 2; string msg = 3; }}.
 * A START at step s tells a reader that the training restarted and values at steps >= s are stale.
 */
public record SessionLog(int status, String checkpointPath, String msg)
    implements Event.Payload {
  public static final int STATUS_UNSPECIFIED = 0;
  public static final int START = 1;
  public static final int STOP = 2;
  public static final int CHECKPOINT = 3;

  public SessionLog {
    Objects.requireNonNull(checkpointPath, "checkpointPath");
    Objects.requireNonNull(msg, "msg");
  }

  public boolean isStart() {
    return status == START;
  }

  public String statusName() {
    switch (status) {
      case STATUS_UNSPECIFIED: return "STATUS_UNSPECIFIED";
      case START: return "START";
      case STOP: return "STOP";
      case CHECKPOINT: return "CHECKPOINT";
      default: return Integer.toString(status);
    }
  }

  /** Reads one SessionLog from its bytes (without a length prefix). */
  public static SessionLog parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one SessionLog from {@code length} bytes at {@code offset}. */
  public static SessionLog parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static SessionLog decode(ProtoReader r) {
    int status = 0;
    String path = "";
    String msg = "";
    for (int tag; (tag = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(tag)) {
        case 1:
          r.expect(tag, ProtoReader.VARINT, "status");
          status = r.readInt32();
          break;
        case 2:
          r.expect(tag, ProtoReader.LEN, "checkpoint_path");
          path = r.readString();
          break;
        case 3:
          r.expect(tag, ProtoReader.LEN, "msg");
          msg = r.readString();
          break;
        default:
          r.skipField(tag);
      }
    }
    return new SessionLog(status, path, msg);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, status);
    w.writeStringField(2, checkpointPath);
    w.writeStringField(3, msg);
  }
}
