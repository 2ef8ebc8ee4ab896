package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Requests for the HTTP tests of a shared server: redirects are not followed (they are what is
 * checked), headers are given as name-value pairs, and no answer may allow another origin (CORS).
 */
final class Requests {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private Requests() {}

  /** A GET of {@code url} with headers (name, value, name, value, ...). */
  static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  /** A request of any method, with a body (or none, when null). */
  static HttpResponse<String> send(String method, String url, String body, String... headers)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws IOException, InterruptedException {
    b.timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertNoCors(r);
    return r;
  }

  /**
   * The first bytes of the live events at {@code url}: the status and, when it is 200, the text
   * up to the first event's end (a stream never ends by itself).
   */
  static String events(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/event-stream");
    if (headers.length > 0) {
      b.headers(headers);
    }
    HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertNoCors(r);
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        return r.statusCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      StringBuilder text = new StringBuilder();
      for (int c; !text.toString().endsWith("\n\n") && (c = in.read()) != -1; ) {
        text.append((char) c);
      }
      return "200 " + text;
    }
  }

  static void assertNoCors(HttpResponse<?> r) {
    assertEquals(List.of(), r.headers().allValues("Access-Control-Allow-Origin"), "CORS allowed by " + r.uri());
    assertEquals(List.of(), r.headers().allValues("Access-Control-Allow-Credentials"), "CORS allowed by " + r.uri());
  }
}
