package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.BlobInfo;
import dev.trainscope.data.EmbeddingInfo;
import dev.trainscope.data.MemoryLogdirData;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.RunStore;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API reads through {@link dev.trainscope.data.LogdirData} alone: a server over a copy of the
 * store's data made through that interface (no files, no store) answers every query of the
 * tensorboardX fixture byte for byte as the server over the store does, and refuses what it refuses
 * with the same status.
 */
class LogdirDataApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aServerOverACopyOfTheData_answersAsTheServerOverTheStore() throws Exception {
    try (RunStore store = RunStore.builder().logdir(Served.testdata().resolve("gen-tensorboardX"))
        .reloadInterval(Duration.ZERO).build()) {
      store.reload();
      DashboardServer overStore = new DashboardServer(store, 50);
      DashboardServer overCopy = new DashboardServer(MemoryLogdirData.copyOf(store), 50);
      try {
        String a = "http://127.0.0.1:" + overStore.start("127.0.0.1", 0);
        String b = "http://127.0.0.1:" + overCopy.start("127.0.0.1", 0);
        List<String> paths = paths(store);
        assertTrue(paths.size() > 40, paths.toString());
        for (String path : paths) {
          HttpResponse<byte[]> x = get(a + path);
          HttpResponse<byte[]> y = get(b + path);
          assertEquals(x.statusCode(), y.statusCode(), path);
          if (x.statusCode() == 200) { // a refusal's wording is the implementation's own
            assertEquals(x.headers().firstValue("Content-Type"), y.headers().firstValue("Content-Type"), path);
            if (path.startsWith("/api/embedding/projection")) { // the same but for the time each took to compute
              assertEquals(withoutMillis(x.body()), withoutMillis(y.body()), path);
            } else {
              assertArrayEquals(x.body(), y.body(), path + ": " + new String(y.body(), StandardCharsets.UTF_8));
            }
          }
        }
      } finally {
        overStore.close();
        overCopy.close();
      }
    }
  }

  /** Every query the dashboard makes of the fixture, and a few that fail. */
  private static List<String> paths(RunStore store) {
    List<String> out = new ArrayList<>(List.of("/api/runs", "/api/tags", "/api/progress", "/api/problems",
        "/api/hparams", "/api/graphs", "/api/customscalars", "/api/tags?run=no-such-run"));
    for (RunInfo r : store.runs()) {
      String run = "run=" + enc(r.name());
      out.add("/api/tags?" + run);
      out.add("/api/problems?" + run);
      out.add("/api/graphs?" + run);
      for (TagInfo t : store.tags(r.name())) {
        String q = "?" + run + "&tag=" + enc(t.tag());
        switch (t.kind()) {
          case SCALAR -> out.addAll(List.of("/api/scalars" + q, "/api/scalars" + q + "&limit=2&from=1",
              "/api/scalars/download" + q, "/api/scalars/download" + q + "&format=json", "/api/histograms" + q));
          case HISTOGRAM -> out.addAll(List.of("/api/histograms" + q, "/api/distributions" + q, "/api/text" + q));
          case TEXT -> out.addAll(List.of("/api/text" + q, "/api/blobs" + q));
          case PR_CURVE -> out.addAll(List.of("/api/prcurves" + q, "/api/scalars" + q));
          case EMBEDDING -> {
            for (EmbeddingInfo e : store.embeddings(r.name())) {
              if (e.tag().equals(t.tag())) {
                String at = q + "&step=" + e.step();
                out.addAll(List.of("/api/embeddings?" + run, "/api/embedding/vectors" + at,
                    "/api/embedding/vectors" + at + "&from=1&limit=2", "/api/embedding/metadata" + at,
                    "/api/embedding/sprite" + at, "/api/embedding/projection" + at + "&method=pca&dims=3",
                    "/api/embedding/neighbors" + at + "&index=0&k=3&metric=cosine",
                    "/api/embedding/neighbors" + at + "&index=0&k=3&metric=euclidean"));
              }
            }
          }
          default -> {
            out.add("/api/blobs" + q);
            for (BlobInfo s : store.blobs(r.name(), t.tag())) {
              for (int i = 0; i <= Math.max(1, s.count()); i++) { // one past the last item: 404
                out.add("/api/blob" + q + "&step=" + s.step() + "&index=" + i);
              }
              if (t.kind() == TagKind.AUDIO) {
                out.add("/api/audio" + q + "&step=" + s.step());
              }
            }
          }
        }
      }
    }
    return out;
  }

  private static String withoutMillis(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    assertTrue(s.matches("(?s).*\"millis\":\\d+.*"), s);
    return s.replaceFirst("\"millis\":\\d+", "\"millis\":_");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<byte[]> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
