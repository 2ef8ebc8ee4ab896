package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audio()}: a WAV clip as TensorFlow's {@code tf.summary.audio} writes it, read back sample for sample. */
class AudioTest {
  @TempDir
  Path dir;

  @Test
  void audio_stereoSine_readsBackAsTheSame16BitWav() throws Exception {
    int rate = 8000;
    int frames = 800;
    float[] samples = new float[2 * frames]; // left a 440 Hz sine, right its negative
    for (int i = 0; i < frames; i++) {
      float x = (float) Math.sin(2 * Math.PI * 440 * i / rate);
      samples[2 * i] = x;
      samples[2 * i + 1] = -x;
    }
    samples[0] = 2f; // clipped to full scale
    samples[1] = Float.NaN; // silence
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.audio("speech/clip", samples, 2, rate, 3);
      w.audio("speech/clip", new float[] {0.5f}, 1, 16000, 4, 123.0);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "speech/clip");
    assertEquals(2, vs.size());
    TensorProto t = (TensorProto) vs.get(0).value().value();
    assertEquals(DataType.DT_STRING, t.dataType());
    assertEquals(TensorShape.of(1, 2), t.shape());
    assertEquals(0, t.strings().get(1).length, "no label");
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(t.strings().get(0)))) {
      AudioFormat f = in.getFormat();
      assertEquals(AudioFormat.Encoding.PCM_SIGNED, f.getEncoding());
      assertEquals(2, f.getChannels());
      assertEquals(16, f.getSampleSizeInBits());
      assertEquals(rate, f.getSampleRate());
      assertEquals(frames, in.getFrameLength());
      byte[] pcm = in.readAllBytes();
      assertEquals(4 * frames, pcm.length);
      for (int i = 0; i < samples.length; i++) {
        float x = Float.isNaN(samples[i]) ? 0 : Math.max(-1, Math.min(1, samples[i]));
        short expected = (short) Math.round(x * Short.MAX_VALUE);
        short got = (short) ((pcm[2 * i] & 0xFF) | pcm[2 * i + 1] << 8);
        assertEquals(expected, got, "sample " + i);
      }
    }
    SummaryMetadata md = vs.get(0).value().metadata();
    assertEquals(PluginNames.AUDIO, md.pluginName());
    assertEquals(SummaryMetadata.DATA_CLASS_BLOB_SEQUENCE, md.dataClass());
    assertArrayEquals(new byte[] {0x10, 0x0B}, md.pluginData().content(), "AudioPluginData: encoding WAV");
    assertEquals(3, vs.get(0).step());
    assertEquals(123.0, vs.get(1).wallTime());
  }

  @Test
  void audio_withLabel_labelBesideTheClip() throws Exception {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.audio("speech/clip", new float[] {0.25f, -0.25f}, 1, 16000, "**spoken:** *zwölf*", 7);
      assertThrows(IllegalArgumentException.class, () -> w.audio("speech/clip", new float[1], 1, 16000, null, 8));
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "speech/clip");
    assertEquals(1, vs.size());
    TensorProto t = (TensorProto) vs.get(0).value().value();
    assertEquals(TensorShape.of(1, 2), t.shape());
    assertEquals("**spoken:** *zwölf*", new String(t.strings().get(1), java.nio.charset.StandardCharsets.UTF_8));
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(t.strings().get(0)))) {
      assertEquals(2, in.getFrameLength());
    }
  }

  @Test
  void audio_badArguments_throwAndWriteNothing() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      assertThrows(IllegalArgumentException.class, () -> w.audio("a", new float[3], 2, 8000, 0));
      assertThrows(IllegalArgumentException.class, () -> w.audio("a", new float[2], 0, 8000, 0));
      assertThrows(IllegalArgumentException.class, () -> w.audio("a", new float[2], 1, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> w.audio("a", new float[2], 1, Float.NaN, 0));
      assertThrows(IllegalArgumentException.class, () -> w.audio("a", null, 1, 8000, 0));
      w.text("a", "the tag is still free for any kind", 0);
    }
    assertEquals(1, Read.values(Read.onlyEventFile(dir), "a").size());
  }
}
