package dev.trainscope.server;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * What a server under a {@link PathPrefix} answers outside it, in front of Javalin's context
 * (which Jetty gives only the requests under the prefix): the root is redirected to the prefix, so
 * that the address a user types without it still leads to the dashboard, and every other path is a
 * plain 404 that says where the dashboard is.
 */
final class OutsidePrefix extends HandlerWrapper {
  private final PathPrefix prefix;

  OutsidePrefix(PathPrefix prefix) {
    this.prefix = prefix;
  }

  @Override
  public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (prefix.covers(target)) {
      super.handle(target, base, request, response);
      return;
    }
    base.setHandled(true);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-store");
    if (target.equals("/") && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
      response.setStatus(HttpServletResponse.SC_FOUND);
      response.setHeader("Location", prefix.home());
      return;
    }
    byte[] body = ("Not found: Trainscope serves everything under " + prefix.home() + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
