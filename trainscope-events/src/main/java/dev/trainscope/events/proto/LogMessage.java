package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Objects;

/**
 * {@code LogMessage { Level level = 1; string message = 2; }} (deprecated in TensorFlow, still read).
 * Levels: UNKNOWN 0, DEBUGGING 10, INFO 20, WARN 30, ERROR 40, FATAL 50.
 */
public record LogMessage(int level, String message) implements Event.Payload {
  public LogMessage {
    Objects.requireNonNull(message, "message");
  }

  /** Reads one LogMessage from its bytes (without a length prefix). */
  public static LogMessage parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one LogMessage from {@code length} bytes at {@code offset}. */
  public static LogMessage parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static LogMessage decode(ProtoReader r) {
    int level = 0;
    String message = "";
    for (int tag; (tag = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(tag)) {
        case 1:
          r.expect(tag, ProtoReader.VARINT, "level");
          level = r.readInt32();
          break;
        case 2:
          r.expect(tag, ProtoReader.LEN, "message");
          message = r.readString();
          break;
        default:
          r.skipField(tag);
      }
    }
    return new LogMessage(level, message);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, level);
    w.writeStringField(2, message);
  }
}
