package dev.trainscope.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The host names the dashboard answers to: its guard against DNS rebinding. A web page on a
 * domain that its owner re-points at 127.0.0.1 can send requests to this server that the browser
 * considers same-origin; the only trace of the trick is the {@code Host} header, which names the
 * attacker's domain. So a request is served only when its {@code Host} is
 *
 * <ul>
 *   <li>a loopback name ({@code localhost} and its subdomains, which browsers resolve to loopback
 *       themselves);
 *   <li>an IP address literal (a rebinding needs a name; a page whose origin is an address is
 *       already talking to that address);
 *   <li>the host the server was told to bind to, and, when it binds to every interface, this
 *       machine's own names;
 *   <li>a name the user allowed ({@code --allowed_hosts}), or anything when they allowed {@code *}.
 * </ul>
 *
 * <p>Jupyter ({@code allow_remote_access}) and Vite ({@code server.allowedHosts}) guard the same
 * way.
 */
final class AllowedHosts {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Set<String> names;
  private final boolean any;

  private AllowedHosts(Set<String> names, boolean any) {
    this.names = names;
    this.any = any;
  }

  /** Every host: for a server behind a proxy that checks names itself. */
  static AllowedHosts any() {
    return new AllowedHosts(Set.of(), true);
  }

  /**
   * The names a server bound to {@code bindHost} answers to, with {@code extra} names the user
   * allowed; {@code "*"} among them allows every host.
   */
  static AllowedHosts forBinding(String bindHost, Collection<String> extra) {
    Set<String> names = new TreeSet<>();
    for (String e : extra) {
      String n = normalise(e);
      if (n.equals("*")) {
        return any();
      }
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    String bind = normalise(bindHost == null ? "" : bindHost);
    if (bind.isEmpty() || bind.equals("0.0.0.0") || bind.equals("::")) {
      names.addAll(machineNames());
    } else {
      names.add(bind);
    }
    return new AllowedHosts(Collections.unmodifiableSet(names), false);
  }

  /**
   * Whether a request whose {@code Host} header is {@code header} (with or without a port) is
   * served. A request without one cannot come from a browser, which always sends it.
   */
  boolean allows(String header) {
    if (any || header == null || header.isEmpty()) {
      return true;
    }
    String host = hostOf(header);
    if (host == null) {
      return false;
    }
    return host.equals("localhost") || host.endsWith(".localhost") || isAddress(host) || names.contains(host);
  }

  /** The names besides loopback and addresses, for messages. */
  Set<String> names() {
    return names;
  }

  /** The host part of a Host header, lower case, without brackets and port; null when malformed. */
  static String hostOf(String header) {
    String h = header.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0 || (close + 1 < h.length() && h.charAt(close + 1) != ':')) {
        return null;
      }
      return h.substring(1, close);
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      if (h.indexOf(':', colon + 1) >= 0) {
        return null;
      }
      h = h.substring(0, colon);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  private static String normalise(String name) {
    String h = name.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static boolean isAddress(String host) {
    // a colon is left only by a bracketed IPv6 literal (hostOf takes the port off anything else)
    return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
  }

  /**
   * This machine's host name, short and fully qualified, as it knows them itself (no reverse
   * lookups of every interface: they can take seconds where DNS is unreachable).
   */
  private static Set<String> machineNames() {
    Set<String> out = new TreeSet<>();
    try {
      InetAddress local = InetAddress.getLocalHost();
      addName(out, local.getHostName());
      addName(out, local.getCanonicalHostName());
    } catch (UnknownHostException e) {
      // no name for this machine: addresses and loopback still work
    }
    return out;
  }

  private static void addName(Set<String> out, String name) {
    String n = normalise(name);
    if (!n.isEmpty() && !isAddress(n)) {
      out.add(n);
      int dot = n.indexOf('.');
      if (dot > 0) {
        out.add(n.substring(0, dot));
      }
    }
  }
}
