package dev.trainscope.server;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lets in only the requests that carry the {@link AccessToken}, as Jupyter does: every request
 * under the prefix (the page, its assets, the API, the live events) must bring it, in one of
 *
 * <ul>
 *   <li>the cookie a browser was given ({@code HttpOnly}, {@code SameSite=Strict}, {@code Path} the
 *       prefix; named after the port the browser used, so that servers on two ports of one host
 *       keep theirs apart);
 *   <li>an {@code Authorization: Bearer} header, for scripts;
 *   <li>the address of a page ({@code ?token=...}, never the API's, which would put it in logs):
 *       the answer is the cookie and a redirect to the same address without the token, so that it
 *       leaves the address bar, the history and the Referer.
 * </ul>
 *
 * A request without it is answered 401: the API with a JSON error, a page with a short page that
 * says where the address with the token is. Nothing is kept between requests.
 */
final class TokenGate {
  static final String COOKIE = "trainscope-token";
  static final String PARAM = "token";
  /** How long a browser keeps the token: a month of visits without the address. */
  static final Duration COOKIE_AGE = Duration.ofDays(30);

  /** A request without the token. */
  static final class Unauthorized extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean api;
    final boolean wrongInAddress;

    Unauthorized(boolean api, boolean wrongInAddress) {
      super("the access token is missing or wrong");
      this.api = api;
      this.wrongInAddress = wrongInAddress;
    }
  }

  private final AccessToken token;
  private final PathPrefix prefix;

  TokenGate(AccessToken token, PathPrefix prefix) {
    this.token = token;
    this.prefix = prefix;
  }

  /**
   * Checks a request: returns normally when it carries the token, throws {@link Unauthorized} when
   * it does not, and returns true when it has been answered here (a page address with the right
   * token, redirected to itself without it).
   */
  boolean answered(Context ctx, boolean api) {
    String inAddress = api ? null : ctx.queryParam(PARAM);
    boolean page = ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD");
    if (inAddress != null && page) {
      if (!token.matches(inAddress)) {
        throw new Unauthorized(false, true);
      }
      ctx.header("Set-Cookie", cookie(ctx));
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(withoutToken(ctx.path(), ctx.queryString()), HttpStatus.SEE_OTHER);
      return true;
    }
    if (token.matches(ctx.cookie(cookieName(ctx.header("Host")))) || token.matches(bearer(ctx.header("Authorization")))) {
      return false;
    }
    throw new Unauthorized(api, false);
  }

  /** The cookie's name for a request to {@code host}: the port the browser used is part of it. */
  static String cookieName(String host) {
    if (host != null) {
      String h = host.trim();
      int colon = h.lastIndexOf(':');
      if (colon > h.lastIndexOf(']') && colon + 1 < h.length() && h.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        return COOKIE + "-" + h.substring(colon + 1);
      }
    }
    return COOKIE;
  }

  private String cookie(Context ctx) {
    boolean https = "https".equalsIgnoreCase(ctx.scheme())
        || "https".equalsIgnoreCase(String.valueOf(ctx.header("X-Forwarded-Proto")).trim());
    String path = prefix.equals(PathPrefix.ROOT) ? "/" : prefix.path();
    return cookieName(ctx.header("Host")) + "=" + token.value() + "; Path=" + path + "; Max-Age="
        + COOKIE_AGE.toSeconds() + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
  }

  private static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    return a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ") ? a.substring(7).trim() : null;
  }

  /** The address without its {@code token} parameters; never one that leads to another host. */
  static String withoutToken(String path, String query) {
    String p = path.startsWith("//") ? "/" + path.replaceFirst("^/+", "") : path;
    if (query == null || query.isEmpty()) {
      return p;
    }
    List<String> kept = new ArrayList<>();
    for (String part : query.split("&")) {
      if (!part.isEmpty() && !part.equals(PARAM) && !part.startsWith(PARAM + "=")) {
        kept.add(part);
      }
    }
    return kept.isEmpty() ? p : p + "?" + String.join("&", kept);
  }

  /** The answer to a request without the token. */
  void refuse(Unauthorized e, Context ctx) {
    ctx.status(HttpStatus.UNAUTHORIZED);
    ctx.header("WWW-Authenticate", "Bearer realm=\"trainscope\"");
    ctx.header("Cache-Control", "no-store");
    if (e.api) {
      ctx.json(Map.of("error", "unauthorized", "message", "This dashboard asks for its access token: send it as "
          + "'Authorization: Bearer TOKEN', or open the dashboard's address with ?token=TOKEN in a browser first."));
      return;
    }
    String home = escape(prefix.home());
    ctx.contentType("text/html; charset=utf-8").result("""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Trainscope: access token needed</title></head>
        <body style="font: 16px/1.5 system-ui, sans-serif; max-width: 42em; margin: 4em auto; padding: 0 1em">
        <h1>This dashboard asks for its access token</h1>
        %s<p>Open the address that <code>trainscope serve</code> printed in its terminal when it started, the one
        that ends in <code>?token=&hellip;</code> (whoever runs the server can give it to you). This browser then
        keeps the token and the dashboard opens.</p>
        <p>Came here by a link from another site, after opening the dashboard before? The browser keeps the
        token back from such links: <a href="%s">open the dashboard</a> from here.</p>
        <p>Scripts send the token in a header: <code>Authorization: Bearer &lt;token&gt;</code>.</p>
        </body>
        </html>
        """.formatted(e.wrongInAddress ? "<p><strong>The token in the address is not this dashboard's.</strong></p>\n" : "",
        home));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
