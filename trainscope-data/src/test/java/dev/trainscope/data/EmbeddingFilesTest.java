package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projector's embeddings: from projector_config.pbtxt and its files, and from rank-2 tensors in event files. */
class EmbeddingFilesTest {
  @TempDir
  Path tmp;

  private static RunStore open(Path dir) throws InterruptedException {
    RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
    store.reload();
    return store;
  }

  private static List<float[]> rows(LogdirData store, String run, String tag, long step, int from, int max)
      throws IOException {
    List<float[]> out = new ArrayList<>();
    store.embeddingRows(run, tag, step, from, max, (i, v) -> {
      assertEquals(from + out.size(), i, "rows come in order");
      out.add(v.clone());
    });
    return out;
  }

  private static float[] parse(String tsvLine) {
    String[] cells = tsvLine.split("\t");
    float[] v = new float[cells.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(cells[i]);
    }
    return v;
  }

  /** tensorboardX 2.6.5's add_embedding, as in testdata (gen-tensorboardX/embedding): it showed no tag before. */
  @Test
  void tensorboardXAddEmbedding_isListedWithItsVectorsLabelsAndSprite() throws Exception {
    Path dir = Path.of("../testdata/tfevents/gen-tensorboardX");
    Path emb = dir.resolve("embedding/00000/emb");
    try (RunStore store = open(dir)) {
      List<EmbeddingInfo> list = store.embeddings("embedding");
      assertEquals(List.of(new EmbeddingInfo("embedding", "emb", 0, "emb:00000", "tsv", 50, 8, List.of("label"), 8, 8, "")),
          list);
      TagInfo tag = store.tags("embedding").stream().filter(t -> t.kind() == TagKind.EMBEDDING).findFirst().orElseThrow();
      assertEquals("emb", tag.tag());
      assertEquals("projector", tag.plugin());
      assertEquals(1, tag.count());
      assertEquals(tag, store.tag("embedding", "emb"));

      List<String> lines = Files.readAllLines(emb.resolve("tensors.tsv"));
      List<float[]> all = rows(store, "embedding", "emb", 0, 0, Integer.MAX_VALUE);
      assertEquals(50, all.size());
      for (int i = 0; i < 50; i++) {
        assertArrayEquals(parse(lines.get(i)), all.get(i), "row " + i);
      }
      List<float[]> page = rows(store, "embedding", "emb", 0, 45, 100);
      assertEquals(5, page.size());
      assertArrayEquals(parse(lines.get(49)), page.get(4));

      EmbeddingInfo.Metadata md = store.embeddingMetadata("embedding", "emb", 0);
      assertEquals(List.of("label"), md.columns());
      assertEquals(50, md.rows().size());
      assertEquals(List.of(Files.readAllLines(emb.resolve("metadata.tsv")).get(7)), md.rows().get(7));
      assertArrayEquals(Files.readAllBytes(emb.resolve("sprite.png")), store.embeddingSprite("embedding", "emb", 0));

      assertThrows(NoSuchTagException.class, () -> store.embedding("embedding", "emb", 1));
      assertThrows(NoSuchTagException.class, () -> store.embedding("embedding", "nope", 0));
      assertThrows(NoSuchRunException.class, () -> store.embeddings("nope"));
      assertTrue(store.embeddings("scalars").isEmpty());
    }
  }

  private static byte[] floats(float[][] m) {
    ByteBuffer b = ByteBuffer.allocate(4 * m.length * m[0].length).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : m) {
      for (float v : r) {
        b.putFloat(v);
      }
    }
    return b.array();
  }

  /**
   * Several embeddings and steps in one config (torch appends an entry per add_embedding), a binary
   * float32 tensor with tensor_shape (TensorFlow's projector), metadata with a header row, and the
   * entries that cannot be read, each listed with its reason.
   */
  @Test
  void severalEmbeddings_binaryTensors_headerMetadata_andProblems() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("logs/run1"));
    TestEvents.write(run.resolve(TestEvents.fileName(1)), TestEvents.fileVersion());
    float[][] a = {{1, 2, 3}, {4, 5, 6}};
    Files.createDirectories(run.resolve("00000/feat"));
    Files.createDirectories(run.resolve("00010/feat"));
    Files.writeString(run.resolve("00000/feat/tensors.tsv"), "1\t2\t3\n4\t5\t6\n");
    Files.writeString(run.resolve("00000/feat/metadata.tsv"), "digit\tname\n0\tzero\n1\tone\n");
    Files.write(run.resolve("00010/feat/tensors.bytes"), floats(new float[][] {{7, 8}, {9, 10}, {11, 12}}));
    Files.writeString(tmp.resolve("outside.tsv"), "1\n");
    Files.writeString(run.resolve("projector_config.pbtxt"), """
        # written by hand, as TensorFlow's projector reads it
        embeddings {
          tensor_name: "feat:00000"
          tensor_path: "00000/feat/tensors.tsv"
          metadata_path: "00000/feat/metadata.tsv"
        }
        embeddings {
          tensor_name: "feat:00010"
          tensor_path: "00010/feat/tensors.bytes"
          tensor_shape: 3
          tensor_shape: 2
        }
        embeddings { tensor_name: "from_checkpoint" }
        embeddings { tensor_name: "escape" tensor_path: "../../outside.tsv" }
        embeddings { tensor_name: "missing" tensor_path: "nowhere.tsv" }
        """);
    try (RunStore store = open(tmp.resolve("logs"))) {
      List<EmbeddingInfo> list = store.embeddings("run1");
      assertEquals(5, list.size());
      assertEquals(new EmbeddingInfo("run1", "feat", 0, "feat:00000", "tsv", 2, 3, List.of("digit", "name"), 0, 0, ""),
          list.get(0));
      assertEquals(new EmbeddingInfo("run1", "feat", 10, "feat:00010", "binary", 3, 2, List.of(), 0, 0, ""), list.get(1));
      assertTrue(list.get(2).problem().contains("TensorFlow checkpoint"), list.get(2).problem());
      assertEquals("escape", list.get(3).tag());
      assertTrue(list.get(3).problem().contains("outside the log directory"), list.get(3).problem());
      assertTrue(list.get(4).problem().contains("does not exist"), list.get(4).problem());
      assertEquals(0, list.get(4).rows());

      assertArrayEquals(new float[] {4, 5, 6}, rows(store, "run1", "feat", 0, 1, 1).get(0));
      List<float[]> bin = rows(store, "run1", "feat", 10, 0, 10);
      assertEquals(3, bin.size());
      assertArrayEquals(new float[] {11, 12}, bin.get(2));
      EmbeddingInfo.Metadata md = store.embeddingMetadata("run1", "feat", 0);
      assertEquals(List.of("digit", "name"), md.columns());
      assertEquals(List.of(List.of("0", "zero"), List.of("1", "one")), md.rows());
      assertEquals(List.of(), store.embeddingMetadata("run1", "feat", 10).columns());
      assertThrows(IOException.class, () -> rows(store, "run1", "escape", 0, 0, 1));
      assertThrows(NoSuchTagException.class, () -> store.embeddingSprite("run1", "feat", 0));

      TagInfo feat = store.tag("run1", "feat");
      assertEquals(TagKind.EMBEDDING, feat.kind());
      assertEquals(2, feat.count());
      assertEquals(0, feat.firstStep());
      assertEquals(10, feat.lastStep());

      // the config changes: the listing follows (it is looked at again at most once a second)
      Files.writeString(run.resolve("projector_config.pbtxt"),
          "embeddings {\ntensor_name: \"feat:00000\"\ntensor_path: \"00000/feat/tensors.tsv\"\n}\n"
              + "embeddings {\ntensor_name: \"feat:00000\"\ntensor_path: \"00010/feat/tensors.bytes\"\n"
              + "tensor_shape: 3\ntensor_shape: 2\n}\n");
      Thread.sleep(1100);
      List<EmbeddingInfo> again = store.embeddings("run1");
      assertEquals(1, again.size(), "a later entry for the same tag and step replaces the earlier one");
      assertEquals("binary", again.get(0).source());
    }
  }

  @Test
  void aBrokenConfig_isOneProblemEntry() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("logs/r"));
    TestEvents.write(run.resolve(TestEvents.fileName(1)), TestEvents.fileVersion());
    Files.writeString(run.resolve("projector_config.pbtxt"), "embeddings { tensor_name: \"x\" ", StandardCharsets.UTF_8);
    try (RunStore store = open(tmp.resolve("logs"))) {
      List<EmbeddingInfo> list = store.embeddings("r");
      assertEquals(1, list.size());
      assertTrue(list.get(0).problem().contains("not closed"), list.get(0).problem());
    }
  }

  /** A rank-2 float tensor logged without a plugin is an embedding too; other tensors are not. */
  @Test
  void rank2TensorsInEventFiles_areEmbeddings() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("logs/t"));
    TensorProto m = TensorProto.ofFloats(TensorShape.of(3, 2), 1, 2, 3, 4, 5, 6);
    TensorProto v = TensorProto.ofFloats(TensorShape.of(3), 1, 2, 3);
    TestEvents.write(run.resolve(TestEvents.fileName(1)), TestEvents.fileVersion(),
        TestEvents.summary(4, TestEvents.WALL0, SummaryValue.of("features", null, m), SummaryValue.of("vector", null, v)));
    try (RunStore store = open(tmp.resolve("logs"))) {
      assertEquals(List.of(new EmbeddingInfo("t", "features", 4, "features", "tensor", 3, 2, List.of(), 0, 0, "")),
          store.embeddings("t"));
      List<float[]> r = rows(store, "t", "features", 4, 0, 3);
      assertArrayEquals(new float[] {5, 6}, r.get(2));
      long kinds = store.tags("t").stream().filter(t -> t.tag().equals("features")).count();
      assertEquals(2, kinds, "listed as the tensor it is and as an embedding");
    }
  }

  @Test
  void configParser_readsTheTextFormatsForms() {
    ProjectorConfig c = ProjectorConfig.parse("""
        model_checkpoint_path: "/ckpt/model.ckpt-1"
        embeddings: {
          tensor_name: 'w\\x41\\101' "2"
          sprite < image_path: "s.png" single_image_dim: 28, single_image_dim: 28 >
          bookmarks_path: "b.txt"
          unknown { nested { deep: 1 } }
        }
        """);
    assertEquals("/ckpt/model.ckpt-1", c.modelCheckpointPath());
    assertEquals(List.of(new ProjectorConfig.Entry("wAA2", "", "", "s.png", List.of(28L, 28L), List.of())), c.embeddings());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProjectorConfig.parse("embeddings {\n tensor_name: \"x\n}"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }
}
