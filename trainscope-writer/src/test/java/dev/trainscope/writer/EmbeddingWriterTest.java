package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of writer.embedding(), byte for byte as torch's add_embedding lays them out. */
class EmbeddingWriterTest {
  @TempDir
  Path tmp;

  private static BufferedImage solid(int rgb) {
    BufferedImage im = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 3; x++) {
      for (int y = 0; y < 2; y++) {
        im.setRGB(x, y, rgb);
      }
    }
    return im;
  }

  @Test
  void writesTorchsLayout_andAppendsToTheConfig() throws Exception {
    try (SummaryWriter log = SummaryWriter.create(tmp)) {
      log.embedding("feat", new float[][] {{1, 0.5f}, {-2, 3e-8f}}, List.of("a", "b"),
          List.of(solid(0xFF0000), solid(0x00FF00)), 7);
      log.embedding("a/b c", new float[][] {{1}, {2}, {3}}, List.of("digit", "name"),
          List.of(List.of("1", "one"), List.of("2", "two"), List.of("3", "three")), null, 12);
    }
    assertEquals("1.0\t0.5\n-2.0\t3.0E-8\n", Files.readString(tmp.resolve("00007/feat/tensors.tsv")));
    assertEquals("a\nb\n", Files.readString(tmp.resolve("00007/feat/metadata.tsv")));
    assertEquals("digit\tname\n1\tone\n2\ttwo\n3\tthree\n", Files.readString(tmp.resolve("00012/a%2Fb%20c/metadata.tsv")));
    assertEquals("""
        embeddings {
        tensor_name: "feat:00007"
        tensor_path: "00007/feat/tensors.tsv"
        metadata_path: "00007/feat/metadata.tsv"
        sprite {
        image_path: "00007/feat/sprite.png"
        single_image_dim: 3
        single_image_dim: 2
        }
        }
        embeddings {
        tensor_name: "a/b c:00012"
        tensor_path: "00012/a%2Fb%20c/tensors.tsv"
        metadata_path: "00012/a%2Fb%20c/metadata.tsv"
        }
        """, Files.readString(tmp.resolve("projector_config.pbtxt")));
    BufferedImage sprite = ImageIO.read(tmp.resolve("00007/feat/sprite.png").toFile());
    assertEquals(6, sprite.getWidth(), "two images: a grid of 2 x 2 cells");
    assertEquals(4, sprite.getHeight());
    assertEquals(0xFF0000, sprite.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0x00FF00, sprite.getRGB(3, 1) & 0xFFFFFF);
    assertEquals(0, sprite.getRGB(0, 3) & 0xFFFFFF, "the cells past the last image stay black");
  }

  @Test
  void refusesWhatTheProjectorCannotRead() {
    try (SummaryWriter log = SummaryWriter.create(tmp)) {
      assertThrows(IllegalArgumentException.class, () -> log.embedding("e", new float[0][], null, null, 0));
      assertThrows(IllegalArgumentException.class, () -> log.embedding("e", new float[][] {{1}, {1, 2}}, null, null, 0));
      assertThrows(IllegalArgumentException.class, () -> log.embedding("e", new float[][] {{1}}, List.of("a", "b"), null, 0));
      assertThrows(IllegalArgumentException.class, () -> log.embedding("e", new float[][] {{1}}, List.of("a\tb"), null, 0));
      assertThrows(IllegalArgumentException.class, () -> log.embedding("e", new float[][] {{1}}, null, null, -1));
      assertThrows(IllegalArgumentException.class,
          () -> log.embedding("e", new float[][] {{1}, {2}}, null, List.of(solid(1), new BufferedImage(1, 1, 1)), 0));
    }
    assertTrue(!Files.exists(tmp.resolve("projector_config.pbtxt")), "nothing written for a refused call");
  }
}
