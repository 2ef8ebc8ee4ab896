package dev.trainscope.data;

import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One audio clip of a step, as TensorBoard's audio plugin shows it: how it sounds (rate, channels,
 * length) and its label. Rate, channels and length are read from the clip's WAV header (what a
 * player plays); a clip that is not WAV has those of the legacy {@code Summary.Audio} message, or
 * zeros when it came as a tensor.
 *
 * @param contentType the type sniffed from the clip's bytes ({@link MediaTypes})
 * @param sampleRate frames a second (0 when unknown)
 * @param frames samples per channel (0 when unknown)
 * @param label the clip's label: Markdown, as TensorBoard's {@code audio} summary takes it ("" for none)
 */
public record AudioClip(int index, String contentType, double sampleRate, int channels, long frames, String label) {
  /** The clip's length in seconds, or 0 when its rate is unknown. */
  public double seconds() {
    return sampleRate > 0 ? frames / sampleRate : 0;
  }

  /** The clips of a legacy {@code Summary.Audio} value: one, without a label. */
  static List<AudioClip> of(AudioProto a) {
    byte[] bytes = a.encodedAudio();
    Wav wav = Wav.read(bytes);
    if (wav != null) {
      return List.of(new AudioClip(0, MediaTypes.sniff(bytes), wav.sampleRate, wav.channels, wav.frames, ""));
    }
    return List.of(new AudioClip(0, MediaTypes.sniff(bytes), a.sampleRate(), (int) a.numChannels(), a.lengthFrames(), ""));
  }

  /** The clips of the audio plugin's DT_STRING tensor of shape [k, 2]: each row a clip and its label. */
  static List<AudioClip> of(TensorProto t) {
    List<byte[]> s = t.strings();
    List<AudioClip> out = new ArrayList<>(s.size() / 2);
    for (int i = 0; 2 * i < s.size(); i++) {
      byte[] bytes = s.get(2 * i);
      String label = 2 * i + 1 < s.size() ? new String(s.get(2 * i + 1), StandardCharsets.UTF_8) : "";
      Wav wav = Wav.read(bytes);
      out.add(wav == null
          ? new AudioClip(i, MediaTypes.sniff(bytes), 0, 0, 0, label)
          : new AudioClip(i, MediaTypes.sniff(bytes), wav.sampleRate, wav.channels, wav.frames, label));
    }
    return out;
  }

  /**
   * A RIFF WAVE file's format, from its {@code fmt } and {@code data} chunks (each chunk: a 4-byte
   * id, a 32-bit little-endian size, the body padded to an even length; {@code fmt }: format tag
   * (2), channels (2), sample rate (4), byte rate (4), block align (2), bits (2)). Frames are the
   * data chunk's size over the block size; a data chunk cut short (a writer that did not know the
   * length and wrote 0 or 0xFFFFFFFF) counts the bytes that are there.
   */
  record Wav(double sampleRate, int channels, long frames) {
    static Wav read(byte[] b) {
      if (b.length < 12 || !id(b, 0, "RIFF") || !id(b, 8, "WAVE")) {
        return null;
      }
      int channels = 0;
      long rate = 0;
      int block = 0;
      int p = 12;
      while (p + 8 <= b.length) {
        long size = u32(b, p + 4);
        int body = p + 8;
        if (id(b, p, "fmt ") && body + 16 <= b.length) {
          channels = u16(b, body + 2);
          rate = u32(b, body + 4);
          block = u16(b, body + 12);
        } else if (id(b, p, "data")) {
          if (channels == 0 || block == 0) {
            return null;
          }
          long there = b.length - body;
          long bytes = size == 0 || size > there ? there : size;
          return new Wav(rate, channels, bytes / block);
        }
        p = (int) Math.min(b.length, body + size + (size & 1));
      }
      return null;
    }

    private static boolean id(byte[] b, int at, String id) {
      return at + 4 <= b.length && new String(b, at, 4, StandardCharsets.US_ASCII).equals(id);
    }

    private static int u16(byte[] b, int at) {
      return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
      return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
  }
}
