package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code Summary.Audio { float sample_rate = 1; int64 num_channels = 2; int64 length_frames = 3;
 * bytes encoded_audio_string = 4; string content_type = 5; }}.
 */
public record AudioProto(float sampleRate, long numChannels, long lengthFrames, byte[] encodedAudio, String contentType)
    implements SummaryValue.Kind {

  public AudioProto {
    Objects.requireNonNull(encodedAudio, "encodedAudio");
    Objects.requireNonNull(contentType, "contentType");
  }

  /** Reads one AudioProto from its bytes (without a length prefix). */
  public static AudioProto parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one AudioProto from {@code length} bytes at {@code offset}. */
  public static AudioProto parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static AudioProto decode(ProtoReader r) {
    float rate = 0;
    long channels = 0, frames = 0;
    byte[] audio = new byte[0];
    String type = "";
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.I32, "sample_rate"); rate = r.readFloat(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "num_channels"); channels = r.readInt64(); break;
        case 3: r.expect(t, ProtoReader.VARINT, "length_frames"); frames = r.readInt64(); break;
        case 4: r.expect(t, ProtoReader.LEN, "encoded_audio_string"); audio = r.readBytes(); break;
        case 5: r.expect(t, ProtoReader.LEN, "content_type"); type = r.readString(); break;
        default: r.skipField(t);
      }
    }
    return new AudioProto(rate, channels, frames, audio, type);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeFloatField(1, sampleRate);
    w.writeInt64Field(2, numChannels);
    w.writeInt64Field(3, lengthFrames);
    w.writeBytesField(4, encodedAudio);
    w.writeStringField(5, contentType);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AudioProto a && Float.compare(sampleRate, a.sampleRate) == 0
        && numChannels == a.numChannels && lengthFrames == a.lengthFrames
        && Arrays.equals(encodedAudio, a.encodedAudio) && contentType.equals(a.contentType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sampleRate, numChannels, lengthFrames, contentType) * 31 + Arrays.hashCode(encodedAudio);
  }

  @Override
  public String toString() {
    return "AudioProto[" + sampleRate + " Hz, " + numChannels + " ch, " + lengthFrames + " frames, "
        + contentType + ", " + encodedAudio.length + " bytes]";
  }
}
