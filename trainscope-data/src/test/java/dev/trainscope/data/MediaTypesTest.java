package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
  static byte[] bytes(int... b) {
    byte[] out = new byte[32];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static byte[] ascii(String s, int size) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.ISO_8859_1), size);
  }

  @Test
  void sniff_knowsThePassiveMediaFormats() {
    assertEquals("image/png", MediaTypes.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)));
    assertEquals("image/jpeg", MediaTypes.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
    assertEquals("image/gif", MediaTypes.sniff(ascii("GIF89a", 16)));
    assertEquals("image/gif", MediaTypes.sniff(ascii("GIF87a", 16)));
    assertEquals("image/webp", MediaTypes.sniff(ascii("RIFF\0\0\0\0WEBPVP8 ", 32)));
    assertEquals("audio/wav", MediaTypes.sniff(ascii("RIFF\0\0\0\0WAVEfmt ", 32)));
    assertEquals("image/bmp", MediaTypes.sniff(ascii("BM", 32)));
    assertEquals("audio/mpeg", MediaTypes.sniff(ascii("ID3\3", 16)));
    assertEquals("audio/ogg", MediaTypes.sniff(ascii("OggS\0", 16)));
    assertEquals("audio/flac", MediaTypes.sniff(ascii("fLaC", 16)));
  }

  @Test
  void sniff_refusesDocumentsScriptsAndTruncatedSignatures() {
    for (String s : new String[] {"<svg xmlns='http://www.w3.org/2000/svg'/>", "<!DOCTYPE html><script>", "alert(1)",
        "%PDF-1.7", "RIFF\0\0\0\0AVI ", "GIF8", ""}) {
      assertEquals(MediaTypes.UNKNOWN, MediaTypes.sniff(s.getBytes(StandardCharsets.ISO_8859_1)), s);
    }
    byte[] png = bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
    assertEquals(MediaTypes.UNKNOWN, MediaTypes.sniff(png, 0, 7), "one byte short");
    assertEquals(MediaTypes.UNKNOWN, MediaTypes.sniff(ascii("BM", 25)), "too short for a bitmap header");
  }

  @Test
  void audioIndex_listsTheSniffedType_notTheDeclaredOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    byte[] svg = "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8);
    byte[] wav = ascii("RIFF\0\0\0\0WAVEfmt ", 32);
    TestEvents.write(dir.resolve("run").resolve("events.out.tfevents.1.h"),
        TestEvents.summary(0, TestEvents.WALL0, dev.trainscope.events.proto.SummaryValue.of("svg", null,
            new dev.trainscope.events.proto.AudioProto(8000f, 1, 1, svg, "image/svg+xml"))),
        TestEvents.summary(0, TestEvents.WALL0, dev.trainscope.events.proto.SummaryValue.of("wav", null,
            new dev.trainscope.events.proto.AudioProto(8000f, 1, 1, wav, "text/html"))));
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(java.time.Duration.ZERO).build()) {
      store.reload();
      assertEquals(MediaTypes.UNKNOWN, store.blobs("run", "svg").get(0).contentType());
      assertEquals("audio/wav", store.blobs("run", "wav").get(0).contentType());
    }
  }

  @Test
  void sniff_readsTheGivenSlice() {
    byte[] b = new byte[40];
    System.arraycopy(ascii("GIF89a", 6), 0, b, 10, 6);
    assertEquals("image/gif", MediaTypes.sniff(b, 10, 30));
    assertEquals(MediaTypes.UNKNOWN, MediaTypes.sniff(b, 0, 40));
  }
}
