package dev.trainscope.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy on loopback between an S3 client and a server that answers 503 SlowDown, as S3
 * does when throttling, while told to. It passes every other request on unchanged, one request a
 * connection (it adds {@code Connection: close}, which signatures do not cover), so a fault hits
 * requests, not connections. Counts what it passed and what it refused.
 */
public final class FaultyProxy implements AutoCloseable {
  private static final byte[] SLOW_DOWN = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
      + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final URI upstream;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "faulty-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong throttleUntil = new AtomicLong();
  private volatile boolean readsOnly;
  private final AtomicInteger passed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  public FaultyProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Answers every request with 503 SlowDown for the next {@code millis} ms. */
  public void throttleFor(long millis) {
    readsOnly = false;
    throttleUntil.set(System.nanoTime() + millis * 1_000_000);
  }

  /** Answers ranged GETs (reads of a file's bytes) with 503 SlowDown for the next {@code millis} ms; listings pass. */
  public void throttleReadsFor(long millis) {
    readsOnly = true;
    throttleUntil.set(System.nanoTime() + millis * 1_000_000);
  }

  public void stopThrottling() {
    throttleUntil.set(0);
  }

  public int passed() {
    return passed.get();
  }

  public int refused() {
    return refused.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String headText = new String(head, StandardCharsets.ISO_8859_1);
      long length = contentLength(headText);
      byte[] body = in.readNBytes((int) length);
      OutputStream out = client.getOutputStream();
      boolean read = headText.toLowerCase(Locale.ROOT).contains("\r\nrange:");
      if (System.nanoTime() < throttleUntil.get() && (read || !readsOnly)) {
        refused.incrementAndGet();
        out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + SLOW_DOWN.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(SLOW_DOWN);
        out.flush();
        return;
      }
      passed.incrementAndGet();
      try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
        OutputStream upOut = up.getOutputStream();
        // the head without its blank line, one more header, then the blank line and the body
        upOut.write(head, 0, head.length - 2);
        upOut.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        upOut.write(body);
        upOut.flush();
        up.getInputStream().transferTo(out);
        out.flush();
      }
    } catch (IOException e) {
      // the client or the server went away: so does this exchange
    }
  }

  /** The request line and headers up to and including the blank line; null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    int state = 0; // how much of "\r\n\r\n" has been seen
    while ((c = in.read()) >= 0) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
      if (state == 4) {
        return b.toByteArray();
      }
    }
    return null;
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Long.parseLong(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
