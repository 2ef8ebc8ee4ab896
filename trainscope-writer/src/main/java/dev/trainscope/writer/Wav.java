package dev.trainscope.writer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Samples in [-1, 1] as a 16-bit little-endian PCM WAV file, written by the JDK's sound API. */
final class Wav {
  private Wav() {}

  /**
   * The WAV file of {@code samples}, interleaved by channel ({@code samples.length} a multiple of
   * {@code channels}); values beyond [-1, 1] are clipped, NaN is silence.
   */
  static byte[] encode(float[] samples, int channels, float sampleRate) {
    Require.nonNull(samples, "samples");
    if (channels < 1 || samples.length % channels != 0) {
      throw new IllegalArgumentException("channels must be at least 1 and divide the " + samples.length
          + " samples, was " + channels);
    }
    if (!(sampleRate > 0) || Float.isInfinite(sampleRate)) {
      throw new IllegalArgumentException("sampleRate must be a positive number, was " + sampleRate);
    }
    byte[] pcm = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      float x = Float.isNaN(samples[i]) ? 0 : Math.max(-1f, Math.min(1f, samples[i]));
      int v = Math.round(x * Short.MAX_VALUE);
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat format = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, sampleRate, 16, channels, 2 * channels,
        sampleRate, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 64);
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format,
        samples.length / channels)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: does not happen
    }
    return out.toByteArray();
  }
}
