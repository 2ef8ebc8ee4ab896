package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The projector's endpoints over an embedding written by our writer (read back by our reader, as
 * torch's layout): vectors, metadata, sprite, projections and neighbours, and a clear 4xx for every
 * request that names something that is not there or asks for what cannot be given.
 */
class EmbeddingApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static final int N = 90;
  static final float[][] VECTORS = new float[N][];
  static final List<String> LABELS = new ArrayList<>();

  @TempDir
  static Path tmp;

  static Served served;

  @BeforeAll
  static void start() throws Exception {
    Random r = new Random(3);
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      int cluster = i % 3;
      float[] v = new float[8];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) ((j == cluster ? 10 : 0) + r.nextGaussian());
      }
      VECTORS[i] = v;
      LABELS.add("c" + cluster);
      BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
      im.setRGB(0, 0, 0x010000 * i);
      images.add(im);
    }
    Path logdir = tmp.resolve("logs");
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("run"))) {
      log.scalar("loss", 1, 0);
      log.embedding("clusters", VECTORS, LABELS, images, 3);
    }
    Files.writeString(logdir.resolve("run/projector_config.pbtxt"),
        "embeddings { tensor_name: \"gone\" tensor_path: \"nowhere.tsv\" }\n", java.nio.file.StandardOpenOption.APPEND);
    served = Served.loaded(logdir);
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(served.base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<byte[]> r = get(path);
    assertEquals(200, r.statusCode(), path + ": " + new String(r.body()));
    return JSON.readTree(r.body());
  }

  private static final String E = "run=run&tag=clusters&step=3";

  @Test
  void listedAsATagAndAnEmbedding() throws Exception {
    JsonNode tags = json("/api/tags?run=run&kind=embedding");
    assertEquals(2, tags.get("tags").size(), "the one that cannot be read is listed, for the page to say why");
    assertEquals("clusters", tags.get("tags").get(0).get("tag").asText());
    assertEquals("gone", tags.get("tags").get(1).get("tag").asText());
    JsonNode list = json("/api/embeddings?run=run").get("embeddings");
    assertEquals(2, list.size());
    assertEquals(N, list.get(0).get("rows").asInt());
    assertEquals(8, list.get(0).get("dims").asInt());
    assertEquals(4, list.get(0).get("spriteWidth").asInt());
    assertTrue(list.get(1).get("problem").asText().contains("nowhere.tsv"));
  }

  @Test
  void vectors_areTheWritersFloats_streamedAsFloat32() throws Exception {
    HttpResponse<byte[]> r = get("/api/embedding/vectors?" + E + "&from=5&limit=10");
    assertEquals(200, r.statusCode());
    assertEquals("10", r.headers().firstValue("X-Rows").orElseThrow());
    assertEquals("8", r.headers().firstValue("X-Dims").orElseThrow());
    ByteBuffer b = ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(10 * 8 * 4, r.body().length);
    for (int i = 0; i < 10; i++) {
      float[] row = new float[8];
      b.asFloatBuffer().get(i * 8, row);
      assertArrayEquals(VECTORS[5 + i], row, "row " + (5 + i));
    }
    assertEquals(N * 8 * 4, get("/api/embedding/vectors?" + E).body().length);
  }

  @Test
  void metadataAndSprite() throws Exception {
    JsonNode md = json("/api/embedding/metadata?" + E);
    assertEquals("[\"label\"]", md.get("columns").toString());
    assertEquals(N, md.get("rows").size());
    assertEquals("c2", md.get("rows").get(5).get(0).asText());
    HttpResponse<byte[]> s = get("/api/embedding/sprite?" + E);
    assertEquals("image/png", s.headers().firstValue("Content-Type").orElseThrow());
    BufferedImage sprite = ImageIO.read(new ByteArrayInputStream(s.body()));
    assertEquals(40, sprite.getWidth(), "90 images in a grid of 10 x 10 cells of 4 pixels");
    assertEquals(0x010000 * 13, sprite.getRGB(3 * 4, 1 * 4) & 0xFFFFFF, "image 13 is row 1, column 3");
  }

  /** Every point's nearest point in the layout is of its own cluster, for each method in 2-D and 3-D. */
  @Test
  void projections_keepTheClusters_andAreCached() throws Exception {
    for (String method : List.of("pca", "tsne", "umap")) {
      for (int dims : new int[] {2, 3}) {
        String q = "/api/embedding/projection?" + E + "&method=" + method + "&dims=" + dims + "&perplexity=10";
        JsonNode p = method.equals("pca") ? json(q) : polled(q);
        assertEquals(N, p.get("rows").asInt());
        assertTrue(p.get("indices").isNull(), "every row placed");
        JsonNode c = p.get("coords");
        assertEquals(N * dims, c.size());
        for (int i = 0; i < N; i++) {
          int best = -1;
          double bestD = Double.POSITIVE_INFINITY;
          for (int j = 0; j < N; j++) {
            double d = 0;
            for (int a = 0; a < dims; a++) {
              double diff = c.get(i * dims + a).asDouble() - c.get(j * dims + a).asDouble();
              d += diff * diff;
            }
            if (j != i && d < bestD) {
              bestD = d;
              best = j;
            }
          }
          assertEquals(i % 3, best % 3, method + " " + dims + "-D: point " + i);
        }
        JsonNode again = json(q);
        assertEquals(p.get("millis"), again.get("millis"), "the second answer is the cached one");
        assertEquals(p.get("coords"), again.get("coords"));
      }
    }
  }

  /**
   * A t-SNE or UMAP not computed yet: 202 at once with its progress, asked again until 200 with
   * the projection; the iterations reported never go back, and a layout comes once per {@code since}.
   */
  private static JsonNode polled(String q) throws Exception {
    HttpResponse<byte[]> r = get(q);
    assertEquals(202, r.statusCode(), q + ": answered at once with its progress: " + new String(r.body()));
    int last = 0;
    int since = 0;
    while (r.statusCode() == 202) {
      JsonNode p = JSON.readTree(r.body());
      assertTrue(List.of("waiting", "running").contains(p.get("state").asText()), p.toString());
      assertTrue(p.get("iteration").asInt() >= last, p.toString());
      assertEquals(q.contains("method=umap") ? 300 : 500, p.get("iterations").asInt());
      last = p.get("iteration").asInt();
      if (!p.get("coords").isNull()) {
        assertTrue(p.get("layoutIteration").asInt() > since, "a layout only when newer than since: " + p);
        since = p.get("layoutIteration").asInt();
        assertEquals(N * p.get("dims").asInt(), p.get("coords").size());
      }
      Thread.sleep(20);
      r = get(q + "&since=" + since);
    }
    assertEquals(200, r.statusCode(), q + ": " + new String(r.body()));
    return JSON.readTree(r.body());
  }

  @Test
  void projection_wait_answersTheProjectionItself() throws Exception {
    JsonNode p = json("/api/embedding/projection?" + E + "&method=tsne&dims=2&perplexity=5&wait=1");
    assertEquals("tsne", p.get("method").asText());
    assertEquals(N * 2, p.get("coords").size());
  }

  @Test
  void neighbours_byCosineAndEuclideanDistance() throws Exception {
    for (String metric : List.of("cosine", "euclidean")) {
      JsonNode n = json("/api/embedding/neighbors?" + E + "&index=7&k=5&metric=" + metric).get("neighbours");
      double[] d = new double[N];
      for (int j = 0; j < N; j++) {
        double dot = 0;
        double a2 = 0;
        double b2 = 0;
        double e2 = 0;
        for (int x = 0; x < 8; x++) {
          dot += VECTORS[7][x] * VECTORS[j][x];
          a2 += VECTORS[7][x] * VECTORS[7][x];
          b2 += VECTORS[j][x] * VECTORS[j][x];
          e2 += (VECTORS[7][x] - VECTORS[j][x]) * (VECTORS[7][x] - VECTORS[j][x]);
        }
        d[j] = j == 7 ? Double.POSITIVE_INFINITY : metric.equals("cosine") ? 1 - dot / Math.sqrt(a2 * b2) : Math.sqrt(e2);
      }
      Integer[] order = new Integer[N];
      for (int j = 0; j < N; j++) {
        order[j] = j;
      }
      java.util.Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));
      assertEquals(5, n.size());
      for (int p = 0; p < 5; p++) {
        assertEquals(order[p].intValue(), n.get(p).get("index").asInt(), metric + " neighbour " + p);
        assertEquals(d[order[p]], n.get(p).get("distance").asDouble(), 1e-5);
      }
    }
  }

  @Test
  void badRequests_areClear4xx() throws Exception {
    String[][] cases = {
        {"/api/embeddings?run=nope", "404"},
        {"/api/embeddings", "400"},
        {"/api/embedding/metadata?run=run&tag=nope&step=3", "404"},
        {"/api/embedding/metadata?run=run&tag=clusters&step=4", "404"},
        {"/api/embedding/metadata?run=run&tag=clusters", "400"},
        {"/api/embedding/vectors?run=run&tag=gone&step=0", "409"},
        {"/api/embedding/vectors?" + E + "&limit=0", "400"},
        {"/api/embedding/projection?" + E + "&method=lda", "400"},
        {"/api/embedding/projection?" + E + "&dims=4", "400"},
        {"/api/embedding/projection?" + E + "&perplexity=NaN", "400"},
        {"/api/embedding/projection?" + E + "&perplexity=1000", "400"},
        {"/api/embedding/projection?" + E + "&minDist=%00", "400"},
        {"/api/embedding/projection?" + E + "&method=tsne&since=-1", "400"},
        {"/api/embedding/neighbors?" + E, "400"},
        {"/api/embedding/neighbors?" + E + "&index=" + N, "400"},
        {"/api/embedding/neighbors?" + E + "&index=1&metric=manhattan", "400"},
        {"/api/embedding/sprite?run=run&tag=gone&step=0", "409"},
    };
    for (String[] c : cases) {
      HttpResponse<byte[]> r = get(c[0]);
      assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + ": " + new String(r.body()));
      assertTrue(r.body().length > 10, c[0] + " says why");
    }
  }
}
