package dev.trainscope.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The guard against other sites' pages, beside {@link AllowedHosts} (which stops a page whose
 * site was re-pointed at this server): a page of another origin that the user happens to have
 * open can still send requests here, and with cookies, so that it could use the dashboard as its
 * user or make it work. Trainscope sends no CORS headers at all, so a browser hands no answer to
 * such a page; this refuses the request itself (403) before anything is done or read:
 *
 * <ul>
 *   <li>every API and live-event request, whatever its method;
 *   <li>every request that is not a GET or HEAD (the API's POST, any other method, CORS
 *       pre-flights);
 * </ul>
 *
 * when the browser says it comes from elsewhere: {@code Sec-Fetch-Site} other than {@code
 * same-origin} or {@code none} (typed, bookmarked), or an {@code Origin} whose host and port are
 * not the request's {@code Host}. The page and its assets stay open to links from other sites
 * (a top-level navigation), which carry no data of the runs.
 *
 * <p>Behind a proxy, the proxy must pass the {@code Host} the browser used ({@code
 * proxy_set_header Host $http_host;} in nginx), as it must for {@link AllowedHosts}. The scheme
 * is not compared: behind a proxy that ends TLS the page is https and the request here http (and
 * one host and port speak only one of them).
 */
final class SameOrigin {
  private SameOrigin() {}

  /**
   * Why a request is refused as one from another origin's page, or null when it is not.
   *
   * @param method the HTTP method
   * @param api whether it asks the API or the live events
   * @param host its {@code Host} header (null when absent)
   * @param origin its {@code Origin} header (null when absent)
   * @param fetchSite its {@code Sec-Fetch-Site} header (null when absent)
   */
  static String refusal(String method, boolean api, String host, String origin, String fetchSite) {
    if (!api && (method.equals("GET") || method.equals("HEAD"))) {
      return null;
    }
    if (fetchSite != null) {
      String site = fetchSite.trim().toLowerCase(Locale.ROOT);
      if (!site.equals("same-origin") && !site.equals("none")) {
        return refused("it was sent by a page of another site (Sec-Fetch-Site: " + clean(fetchSite) + ")");
      }
    }
    if (origin != null && !sameAuthority(origin, host)) {
      return refused("it was sent by a page of another origin (Origin: " + clean(origin) + ", Host: "
          + clean(String.valueOf(host)) + ")");
    }
    return null;
  }

  private static String refused(String why) {
    return "Trainscope answers its API only to its own pages, and " + why + ". Open the dashboard itself; "
        + "behind a proxy, let it pass the Host header the browser sent (nginx: proxy_set_header Host $http_host;).";
  }

  /** Whether an Origin header names the host and port of the Host header, default ports being the same as none. */
  static boolean sameAuthority(String origin, String host) {
    if (host == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return false; // "null" (a sandboxed or opaque origin) and anything malformed
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getRawAuthority() == null || !(scheme.equals("http") || scheme.equals("https"))) {
      return false;
    }
    String defaultPort = scheme.equals("https") ? "443" : "80";
    String originHost = AllowedHosts.hostOf(uri.getRawAuthority());
    String requestHost = AllowedHosts.hostOf(host);
    return originHost != null && originHost.equals(requestHost)
        && portOf(uri.getRawAuthority(), defaultPort).equals(portOf(host, defaultPort));
  }

  /** The port of an authority ({@code host}, {@code host:port}, {@code [v6]:port}), or the default. */
  private static String portOf(String authority, String defaultPort) {
    String a = authority.trim();
    int close = a.lastIndexOf(']');
    int colon = a.lastIndexOf(':');
    return colon > close && colon + 1 < a.length() ? a.substring(colon + 1) : defaultPort;
  }

  private static String clean(String header) {
    return Params.shorten(header.replaceAll("\\p{Cntrl}", "?"));
  }
}
