package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Projector tab over embeddings as other programs write them, not our writer: tensorboardX
 * 2.6.5's {@code add_embedding} (testdata's gen-tensorboardX/embedding: a TSV of 50 x 8, a label
 * column, an 8 x 8 sprite sheet) and TensorFlow's projector layout of a raw little-endian float32
 * file with its {@code tensor_shape}. What is drawn is checked against the files: the PCA coordinates
 * against a direct eigen decomposition of the file's vectors, the search against the metadata file,
 * the sprite sheet against the PNG's bytes.
 */
@ExtendWith(Chromium.Tests.class)
class ProjectorFilesBrowserTest {
  @TempDir
  Path logdir;

  static final Path TBX = Served.testdata().resolve("gen-tensorboardX/embedding");

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  static float[][] tsv(Path file) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> {
      String[] cells = l.split("\t");
      float[] row = new float[cells.length];
      for (int j = 0; j < cells.length; j++) {
        row[j] = Float.parseFloat(cells[j]);
      }
      return row;
    }).toArray(float[][]::new);
  }

  private static JsonNode drawn(DashboardPage p) {
    return p.json("() => document.querySelector('.projector-tab').__projector.drawn()", null);
  }

  private static void assertPca(float[][] x, JsonNode d, String what) {
    double[][] ref = ProjectorBrowserTest.referencePca(x, 2);
    double scale = 0;
    for (double[] r : ref) {
      scale = Math.max(scale, Math.max(Math.abs(r[0]), Math.abs(r[1])));
    }
    assertEquals(x.length, d.get("rows").size(), what + ": every row drawn");
    for (int i = 0; i < x.length; i++) {
      int row = d.get("rows").get(i).asInt();
      assertEquals(ref[row][0], d.get("positions").get(i * 3).asDouble(), 1e-4 * scale, what + ": x of row " + row);
      assertEquals(ref[row][1], d.get("positions").get(i * 3 + 1).asDouble(), 1e-4 * scale, what + ": y of row " + row);
    }
  }

  @Test
  void tensorboardXAndTensorFlowFiles_pcaEqualsTheReference_searchFollowsTheMetadata_spriteIsTheFile(Chromium chromium)
      throws Exception {
    copyTree(TBX, logdir.resolve("tbx"));
    // TensorFlow's projector layout: a raw float32 file, its shape in the config
    Path tf = Files.createDirectories(logdir.resolve("tf"));
    Files.copy(Files.list(TBX).filter(f -> f.getFileName().toString().contains("tfevents")).findFirst().orElseThrow(),
        tf.resolve("events.out.tfevents.1795718564.vm"));
    float[][] bin = new float[30][5];
    ByteBuffer bytes = ByteBuffer.allocate(30 * 5 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 30; i++) {
      for (int j = 0; j < 5; j++) {
        bin[i][j] = (float) (Math.sin(i * 0.7 + j) * (j + 1) + (i % 3 == j ? 4 : 0));
        bytes.putFloat(bin[i][j]);
      }
    }
    Files.write(tf.resolve("vectors.bytes"), bytes.array());
    Files.writeString(tf.resolve("projector_config.pbtxt"),
        "embeddings {\n  tensor_name: \"features\"\n  tensor_path: \"vectors.bytes\"\n  tensor_shape: 30\n  tensor_shape: 5\n}\n");

    float[][] x = tsv(TBX.resolve("00000/emb/tensors.tsv"));
    List<String> labels = Files.readAllLines(TBX.resolve("00000/emb/metadata.tsv"), StandardCharsets.UTF_8);
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=projector");
      p.locator(".projector-run").selectOption("tbx");
      p.waitFor("() => document.querySelector('.projector-tab')?.dataset.state === 'ready'"
          + " && document.querySelector('.projector-tab').__projector.drawn().rows.length === 50", null, 120_000);
      assertPca(x, drawn(p), "tensorboardX's TSV");

      // the search reads the metadata file: exactly the rows whose label matches
      p.locator(".projector-search").fill("^label_[12]$");
      p.waitFor("() => /^\\d+ match/.test(document.querySelector('.projector-matches').textContent)", null);
      JsonNode d = drawn(p);
      int matches = 0;
      for (int i = 0; i < x.length; i++) {
        int row = d.get("rows").get(i).asInt();
        boolean expected = labels.get(row).matches("label_[12]");
        matches += expected ? 1 : 0;
        assertEquals(expected ? 1 : 0, d.get("marks").get(i).asInt(), "mark of row " + row + " (" + labels.get(row) + ")");
      }
      assertEquals(matches + (matches == 1 ? " match" : " matches"), p.locator(".projector-matches").textContent());

      // the sprite sheet the points are drawn with is the file's PNG, byte for byte
      @SuppressWarnings("unchecked")
      Map<String, Object> sprite = (Map<String, Object>) p.page.evaluate("async () => {"
          + " const r = await fetch('api/embedding/sprite?run=tbx&tag=emb&step=0');"
          + " return { type: r.headers.get('content-type'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) }; }");
      assertEquals("image/png", sprite.get("type"));
      byte[] file = Files.readAllBytes(TBX.resolve("00000/emb/sprite.png"));
      List<?> got = (List<?>) sprite.get("bytes");
      byte[] served = new byte[got.size()];
      for (int i = 0; i < served.length; i++) {
        served[i] = ((Number) got.get(i)).byteValue();
      }
      assertArrayEquals(file, served);
      assertEquals(Boolean.TRUE, p.page.evaluate("() => performance.getEntriesByType('resource')"
          + ".some(e => e.name.includes('api/embedding/sprite') && e.name.includes('run=tbx'))"), "the page loaded the sprite");

      // TensorFlow's binary layout
      p.locator(".projector-search").fill("");
      p.locator(".projector-run").selectOption("tf");
      p.waitFor("() => document.querySelector('.projector-tab')?.dataset.state === 'ready'"
          + " && document.querySelector('.projector-tab').__projector.drawn().rows.length === 30", null, 120_000);
      assertPca(bin, drawn(p), "TensorFlow's float32 file");
      p.assertNoErrors();
    }
  }
}
