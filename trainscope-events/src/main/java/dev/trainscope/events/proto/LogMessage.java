package dev.trainscope.events.proto;

import java.util.Objects;

/**
 * {@code LogMessage { Level level = 1; string message = 2; }} (deprecated in TensorFlow, still read).
 * Levels: UNKNOWN 0, DEBUGGING 10, INFO 20, WARN 30, ERROR 40, FATAL 50.
 */
public record LogMessage(int level, String message) implements Event.Payload, ProtoWriter.Encodable {
  public LogMessage {
    Objects.requireNonNull(message, "message");
  }

  public static LogMessage decode(ProtoReader r) {
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

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, level);
    w.writeStringField(2, message);
  }
}
