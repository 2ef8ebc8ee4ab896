package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.RunStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files given on the command line ({@code serve --model}): listed, opened, and refused when broken. */
class GraphModelsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void modelFilesAreListedAndOpen_aBrokenOneIsAClearError(@TempDir Path dir) throws Exception {
    Path onnx = Files.copy(Path.of("../trainscope-graph/src/test/resources/onnx/resnet18.onnx"), dir.resolve("resnet18.onnx"));
    Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {0x08, (byte) 0xff});
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("resnet18.onnx", onnx);
    models.put("broken.onnx", broken);
    try (RunStore store = RunStore.builder().logdir(logs).reloadInterval(Duration.ZERO).build();
        DashboardServer server = new DashboardServer(store, models)) {
      store.reload();
      String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
      HttpClient http = HttpClient.newHttpClient();
      JsonNode graphs = JSON.readTree(get(http, base + "/api/graphs").body()).get("graphs");
      assertEquals(2, graphs.size());
      assertEquals("model:resnet18.onnx", graphs.get(0).get("source").asText());
      assertEquals("", graphs.get(0).get("run").asText());
      HttpResponse<String> view = get(http, base + "/api/graph?source=" + URLEncoder.encode("model:resnet18.onnx", StandardCharsets.UTF_8));
      assertEquals(200, view.statusCode(), view.body());
      JsonNode v = JSON.readTree(view.body());
      assertEquals("ONNX model", v.get("format").asText());
      assertTrue(v.get("nodes").asInt() > 50, v.get("nodes").toString());
      HttpResponse<String> bad = get(http, base + "/api/graph?source=" + URLEncoder.encode("model:broken.onnx", StandardCharsets.UTF_8));
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().startsWith("the graph model:broken.onnx cannot be read"), bad.body());
      assertEquals(404, get(http, base + "/api/graph?source=model:nope.onnx").statusCode());
      assertEquals(404, get(http, base + "/api/graph?run=x&source=" + URLEncoder.encode("model:resnet18.onnx", StandardCharsets.UTF_8))
          .statusCode(), "a model belongs to no run");
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
