package dev.trainscope.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Tells whether the client of a request still being worked on has gone, so that long work for
 * nobody (a graph layout) can stop. Jetty 11 reads nothing from a connection while its request is
 * handled, so a client that closes is not noticed until the answer is written. This asks Jetty's
 * endpoint to report when the connection next becomes readable, which for a request read whole
 * means the client has closed it; or, rarely, that it pipelined another request, whose first byte
 * is then taken here: that answer closes the connection, and the client sends the request again.
 * {@link #close} withdraws the interest before the answer is written, as Jetty expects.
 */
final class ClientWatch implements BooleanSupplier, AutoCloseable {
  private final Context ctx;
  private final EndPoint endPoint;
  private volatile boolean armed;
  private volatile boolean readable;
  private volatile boolean gone;

  private ClientWatch(Context ctx, EndPoint endPoint) {
    this.ctx = ctx;
    this.endPoint = endPoint;
  }

  /** Starts watching the request's connection. */
  static ClientWatch of(Context ctx) {
    ClientWatch w = new ClientWatch(ctx, Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint());
    w.arm();
    return w;
  }

  private void arm() {
    readable = false;
    Callback wake = Callback.from(() -> fired(), x -> fired());
    // false: someone else waits to read (Jetty itself): it will see a close as well as we would
    armed = endPoint.tryFillInterested(wake);
  }

  private void fired() {
    armed = false;
    readable = true;
  }

  /** True once the client has closed its side of the connection. */
  @Override
  public boolean getAsBoolean() {
    if (gone || !endPoint.isOpen() || endPoint.isInputShutdown()) {
      return gone = true;
    }
    if (!readable) {
      return false;
    }
    ByteBuffer one = BufferUtil.allocate(1);
    try {
      int n = endPoint.fill(one);
      if (n < 0) {
        return gone = true;
      }
      if (n == 0) {
        arm();
      } else {
        readable = false; // a pipelined request: answered by closing the connection, nothing more to watch
        ctx.header("Connection", "close");
      }
      return false;
    } catch (IOException e) {
      return gone = true;
    }
  }

  /** Withdraws the interest in reading, which Jetty would take for a read left pending. */
  @Override
  public void close() {
    if (armed && endPoint instanceof AbstractEndPoint a) {
      armed = false;
      a.getFillInterest().onFail(new java.util.concurrent.CancellationException("the answer is ready"));
    }
  }
}
