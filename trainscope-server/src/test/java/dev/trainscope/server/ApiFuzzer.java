package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the API's parameter parsing, through the real server: the
 * dashboard over testdata's tensorboardX runs (scalars, histograms, images, text, audio, PR curves,
 * hparams, a graph) listens on 127.0.0.1, and each input is one request. The input's first line is
 * the request target (path and query, bytes that cannot stand in a request line percent-encoded,
 * {@code /api/} put in front of a target that does not start with a slash); anything after a
 * newline is a JSON body, sent with POST. Malformed parameters must be answered 4xx, never 5xx (a
 * handler that throws is 500), and within the fuzzer's second per input. The committed corpus
 * ({@code ApiFuzzerInputs/}) holds a valid request for every route.
 */
class ApiFuzzer {
  private static Served served;
  private static int port;

  @BeforeAll
  static void start() throws InterruptedException, IOException {
    served = Served.loaded(Served.testdata().resolve("gen-tensorboardX"));
    port = served.server.port();
    // the first answer of a route loads and compiles its code: done here, outside the second that
    // each input has (and before Jazzer's agent and its detectors are installed)
    for (String route : new String[] {"/api/runs", "/api/tags", "/api/scalars?run=scalars&tag=lr&buckets=9",
        "/api/histograms?run=histograms&tag=constant", "/api/graph?run=graph&source=run_graph", "/api/nothing"}) {
      send("GET", route, null);
    }
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  /** The API's words, for the fuzzer to splice in: routes, parameters, the store's runs and tags, edge numbers. */
  @DictionaryEntries({"/api/", "runs", "tags", "scalars", "download", "histograms", "distributions", "blobs", "blob",
      "text", "prcurves", "audio", "customscalars", "hparams", "progress", "problems", "findings", "graphs", "graph", "graph/node", "graph/search",
      "layers", "export", "&tags=", "meshes", "mesh", "&name=", "&sample=", "mesh/tetrahedron", "custom_scalars_mesh",
      "?run=", "&run=", "&tag=", "&from=", "&to=", "&buckets=", "&limit=", "&format=json", "&maxSteps=",
      "&step=", "&index=", "&source=run_graph", "&node=", "&q=", "&columns=", "&expand=", "&expanded", "&all=1",
      "media", "pr_curves", "loss/train", "image/rgb_chw_uint8", "audio/sine", "-9223372036854775808", "9223372036854775807",
      "2147483648", "-1", "embeddings", "embedding/vectors", "embedding/metadata", "embedding/sprite",
      "embedding/projection", "embedding/neighbors", "&method=tsne", "&method=umap", "&dims=3", "&perplexity=",
      "&iterations=", "&neighbors=", "&minDist=", "&metric=euclidean", "&k=", "emb", "%00", "%2F", "%FF", "\"source\":", "\"run\":", "\"expand\":", "\"all\":"})
  @FuzzTest
  void request_anyTarget_answersWithoutServerError(byte[] input) throws IOException {
    int newline = indexOf(input, (byte) '\n');
    String target = target(input, newline < 0 ? input.length : newline);
    byte[] body = newline < 0 ? null : java.util.Arrays.copyOfRange(input, newline + 1, input.length);
    String path = target.indexOf('?') < 0 ? target : target.substring(0, target.indexOf('?'));
    if (path.startsWith("/api/events")) {
      return; // server-sent events: an answer that never ends, by design
    }
    int status;
    // Jazzer's request-forgery detector would take this connection for one the input made
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, p) -> p == port)) {
      status = send(body == null ? "GET" : "POST", target, body);
    }
    assertTrue(status >= 200 && status < 500, () -> "HTTP " + status + " for " + (body == null ? "GET " : "POST ")
        + target + (body == null ? "" : " with body " + new String(body, StandardCharsets.UTF_8)));
  }

  /** The bytes as a request target that keeps the request line whole. */
  static String target(byte[] b, int end) {
    StringBuilder s = new StringBuilder(end + 8);
    if (end == 0 || b[0] != '/') {
      s.append("/api/");
    }
    for (int i = 0; i < end; i++) {
      int c = b[i] & 0xFF;
      if (c <= 0x20 || c >= 0x7F) {
        s.append('%').append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      } else {
        s.append((char) c);
      }
    }
    return s.toString();
  }

  /** Sends one request on a fresh connection and returns the status code of the answer. */
  private static int send(String method, String target, byte[] body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      StringBuilder head = new StringBuilder()
          .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\n")
          .append("Connection: close\r\n");
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return statusCode(socket.getInputStream());
    }
  }

  /** The code of the status line {@code HTTP/1.1 200 OK}; only the status line is read. */
  private static int statusCode(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      line.append((char) c);
    }
    String[] parts = line.toString().split(" ");
    assertTrue(parts.length >= 2 && parts[0].startsWith("HTTP/"), () -> "a status line, got '" + line + "'");
    return Integer.parseInt(parts[1]);
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
