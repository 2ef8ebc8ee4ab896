package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Projector tab over an embedding our writer wrote: the PCA it draws equals a direct eigen
 * decomposition (Commons Math) of the vectors, point by point; search by metadata marks exactly
 * the matching rows; a clicked point's neighbours are the nearest by cosine and by Euclidean
 * distance; isolating keeps them only; 3-D t-SNE draws every point; a run without embeddings says why.
 */
@ExtendWith(Chromium.Tests.class)
class ProjectorBrowserTest {
  @TempDir
  Path logdir;

  static final int N = 240;
  static final int D = 12;

  static float[][] vectors(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] v = new float[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        v[i][j] = (float) ((j == i % 4 ? 6 : 0) + r.nextGaussian() * (1 + j % 3));
      }
    }
    return v;
  }

  static List<List<String>> metadata(int n) {
    List<List<String>> md = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      md.add(List.of("c" + (i % 4), "item " + i));
    }
    return md;
  }

  /** The PCA coordinates by Commons Math's eigen decomposition, the largest component of each axis positive. */
  static double[][] referencePca(float[][] x, int k) {
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / (double) n;
      }
    }
    double[][] cov = new double[d][d];
    for (float[] row : x) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1);
        }
      }
    }
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(cov));
    double[][] out = new double[n][k];
    for (int c = 0; c < k; c++) {
      RealVector v = e.getEigenvector(c);
      double sign = Math.abs(v.getMaxValue()) >= Math.abs(v.getMinValue()) ? 1 : -1;
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += (x[i][j] - mean[j]) * v.getEntry(j) * sign;
        }
        out[i][c] = s;
      }
    }
    return out;
  }

  private static JsonNode drawn(DashboardPage p) {
    return p.json("() => document.querySelector('.projector-tab').__projector.drawn()", null);
  }

  private static void waitReady(DashboardPage p) {
    p.waitFor("() => document.querySelector('.projector-tab')?.dataset.state === 'ready'", null, 240_000);
  }

  @Test
  void projector_drawsTheReferencePca_searchesNeighboursAndIsolates(Chromium chromium) throws Exception {
    float[][] x = vectors(N, D, 5);
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("emb"))) {
      log.scalar("loss", 1, 0);
      log.embedding("features", x, List.of("cluster", "name"), metadata(N), null, 2);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=projector");
      waitReady(p);
      JsonNode d = drawn(p);
      assertEquals(2, d.get("dims").asInt());
      assertEquals(N, d.get("rows").size());
      double[][] ref = referencePca(x, 2);
      double scale = 0;
      for (double[] r : ref) {
        scale = Math.max(scale, Math.abs(r[0]));
      }
      for (int i = 0; i < N; i++) {
        int row = d.get("rows").get(i).asInt();
        assertEquals(ref[row][0], d.get("positions").get(i * 3).asDouble(), 1e-4 * scale, "x of row " + row);
        assertEquals(ref[row][1], d.get("positions").get(i * 3 + 1).asDouble(), 1e-4 * scale, "y of row " + row);
        assertEquals(0, d.get("positions").get(i * 3 + 2).asDouble(), "2-D: z is 0");
      }

      // search the "cluster" column (the label column) with a regular expression: exactly its rows
      p.locator(".projector-labelby").selectOption("cluster");
      p.locator(".projector-search").fill("^c[13]$");
      p.waitFor("() => document.querySelector('.projector-matches').textContent === '120 matches'", null);
      d = drawn(p);
      for (int i = 0; i < N; i++) {
        int row = d.get("rows").get(i).asInt();
        assertEquals(row % 4 == 1 || row % 4 == 3 ? 1 : 0, d.get("marks").get(i).asInt(), "mark of row " + row);
      }
      p.locator(".projector-search").fill("");
      p.waitFor("() => document.querySelector('.projector-matches').textContent === ''", null);

      // a point's neighbours, by cosine then by Euclidean distance, against a brute-force ranking
      for (String metric : List.of("cosine", "euclidean")) {
        p.locator(".projector-metric").selectOption(metric);
        p.page.evaluate("() => document.querySelector('.projector-tab').__projector.select(9)");
        p.waitFor("m => document.querySelector('.projector-neighbours')?.dataset.metric === m"
            + " && document.querySelectorAll('.projector-neighbours li').length === 10", metric);
        List<Integer> shown = new ArrayList<>();
        for (Object o : (List<?>) p.page.evaluate(
            "() => [...document.querySelectorAll('.projector-neighbours li')].map(li => Number(li.dataset.index))")) {
          shown.add(((Number) o).intValue());
        }
        assertEquals(nearest(x, 9, 10, metric.equals("cosine")), shown, metric);
        assertTrue(p.locator(".projector-labels .projector-label.selected").textContent().contains("c1"),
            "the selected point is labelled by the label column");
      }
      // isolate the neighbourhood: the point and its ten neighbours are all that is drawn
      p.locator(".projector-isolate").click();
      p.waitFor("() => document.querySelector('.projector-tab').__projector.drawn().rows.length === 11", null);
      p.locator(".projector-all").click();
      p.waitFor("n => document.querySelector('.projector-tab').__projector.drawn().rows.length === n", N);

      // t-SNE: "t-SNE iteration i of 500" while the server computes it (the first answer is its
      // progress, the page asks again every half second), then the final layout, as the server has it
      p.locator(".projector-method").selectOption("tsne");
      p.waitFor("() => /^t-SNE iteration [0-9,]+ of 500/.test(document.querySelector('.projector-status').textContent)",
          null, 240_000);
      waitReady(p);
      d = drawn(p);
      assertEquals(2, d.get("dims").asInt());
      assertEquals(N, d.get("rows").size());
      assertTrue(d.get("progress").size() >= 1, "progress was shown: " + d.get("progress"));
      int before = 0;
      for (JsonNode step : d.get("progress")) {
        assertTrue(step.get("text").asText().matches("t-SNE iteration [0-9,]+ of 500 · [0-9.]+ s"), step.toString());
        assertTrue(step.get("iteration").asInt() >= before, d.get("progress").toString());
        before = step.get("iteration").asInt();
      }
      assertTrue(p.locator(".projector-status").textContent().startsWith(N + " of " + N + " points"),
          p.locator(".projector-status").textContent());
      HttpResponse<String> fin = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.base
          + "/api/embedding/projection?run=emb&tag=features&step=2&method=tsne&dims=2")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, fin.statusCode(), "cached once done");
      JsonNode coords = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fin.body()).get("coords");
      for (int i = 0; i < N; i++) {
        int row = d.get("rows").get(i).asInt();
        assertEquals(coords.get(row * 2).asDouble(), d.get("positions").get(i * 3).asDouble(), 1e-4, "x of row " + row);
        assertEquals(coords.get(row * 2 + 1).asDouble(), d.get("positions").get(i * 3 + 1).asDouble(), 1e-4, "y of row " + row);
      }

      // 3-D t-SNE: every point, three coordinates, not all on a plane
      p.locator(".projector-dims").selectOption("3");
      p.waitFor("() => document.querySelector('.projector-tab').dataset.state === 'ready'"
          + " && document.querySelector('.projector-tab').__projector.drawn().dims === 3", null, 240_000);
      d = drawn(p);
      assertEquals(N, d.get("rows").size());
      double zs = 0;
      for (int i = 0; i < N; i++) {
        zs += Math.abs(d.get("positions").get(i * 3 + 2).asDouble());
      }
      assertTrue(zs > 0, "3-D coordinates");
      p.assertNoErrors();
    }
  }

  static List<Integer> nearest(float[][] x, int q, int k, boolean cosine) {
    Integer[] order = new Integer[x.length];
    double[] dist = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      order[j] = j;
      double dot = 0;
      double a = 0;
      double b = 0;
      double e = 0;
      for (int t = 0; t < x[0].length; t++) {
        dot += x[q][t] * x[j][t];
        a += x[q][t] * x[q][t];
        b += x[j][t] * x[j][t];
        e += (x[q][t] - x[j][t]) * (x[q][t] - x[j][t]);
      }
      dist[j] = j == q ? Double.POSITIVE_INFINITY : cosine ? 1 - dot / Math.sqrt(a * b) : e;
    }
    java.util.Arrays.sort(order, (u, v) -> Double.compare(dist[u], dist[v]));
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      out.add(order[i]);
    }
    return out;
  }

  @Test
  void aRunWithoutEmbeddings_saysWhy(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("plain"))) {
      log.scalar("loss", 1, 0);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=projector");
      // the shell shows the tab's reason (its empty()) in its place and on its greyed button
      String why = "No embeddings in the selected runs: log them with add_embedding or writer.embedding()";
      p.waitFor("why => document.querySelector('.tab-empty[data-tab=projector]')?.textContent.includes(why)"
          + " && document.querySelector('#tabs button[data-tab=projector]').dataset.empty === why", why);
      Object reason = p.page.evaluate("async () => (await import('./js/tabs/projector.js')).default.empty({"
          + " selectedRuns: () => ['plain'], runTags: () => [{ tag: 'loss', kind: 'scalar' }] })");
      assertEquals("No embeddings in the selected runs: log them with add_embedding or writer.embedding()", reason);
      Object none = p.page.evaluate("async () => (await import('./js/tabs/projector.js')).default.empty({"
          + " selectedRuns: () => ['e'], runTags: () => [{ tag: 'x', kind: 'embedding' }] })");
      assertEquals(null, none);
    }
  }

  /**
   * With {@code -Dtrainscope.screenshots=true}: rewrites docs/screenshots/projector.png, 2,000 real
   * MNIST digits (../shared/data/mnist-10k) as 784 pixels each, written with writer.embedding() with
   * their labels and images, in UMAP 2-D coloured by label, a digit clicked with its neighbours;
   * and docs/screenshots/projector-tsne-progress.png, the same in t-SNE while it runs.
   */
  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshot_ofMnistDigits(Chromium chromium) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"),
        "SKIPPED: needs -Dtrainscope.screenshots=true");
    Path mnist = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/mnist-10k");
    assertTrue(java.nio.file.Files.isDirectory(mnist), "the MNIST digits are needed at " + mnist.toAbsolutePath());
    int n = 2000;
    float[][] x = new float[n][784];
    List<String> labels = new ArrayList<>();
    List<BufferedImage> images = new ArrayList<>();
    try (var in = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(
        java.nio.file.Files.newInputStream(mnist.resolve("images-idx3-ubyte.gz"))));
        var lab = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(
            java.nio.file.Files.newInputStream(mnist.resolve("labels-idx1-ubyte.gz"))))) {
      in.readNBytes(16);
      lab.readNBytes(8);
      for (int i = 0; i < n; i++) {
        BufferedImage im = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < 784; j++) {
          int v = in.readUnsignedByte();
          x[i][j] = v / 255f;
          int g = 255 - v;
          im.setRGB(j % 28, j / 28, (g << 16) | (g << 8) | g);
        }
        images.add(im);
        labels.add(Integer.toString(lab.readUnsignedByte()));
      }
    }
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("mnist"))) {
      log.scalar("loss", 1, 0);
      log.embedding("digits", x, labels, images, 0);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base, 1400, 900)) {
      p.open("tab=projector&x.pmethod=umap&x.pdims=2");
      waitReady(p);
      p.page.evaluate("() => document.querySelector('.projector-tab').__projector.select(3)");
      p.waitFor("() => document.querySelectorAll('.projector-neighbours li').length === 10", null);
      Thread.sleep(1500);
      p.screenshot(Path.of("../docs/screenshots/projector.png"));

      // the same digits in t-SNE, caught while it runs: the layout so far and how far it has got
      p.locator(".projector-method").selectOption("tsne");
      p.waitFor("() => /^t-SNE iteration/.test(document.querySelector('.projector-status').textContent)"
          + " && document.querySelector('.projector-tab').__projector.drawn().progress.some(x => x.layout > 150)", null, 240_000);
      p.screenshot(Path.of("../docs/screenshots/projector-tsne-progress.png"));
      waitReady(p);
    }
  }
}
