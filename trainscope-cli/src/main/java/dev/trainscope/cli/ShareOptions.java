package dev.trainscope.cli;

import dev.trainscope.server.Access;
import dev.trainscope.server.AccessToken;
import dev.trainscope.server.PathPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a served dashboard is shared: under which path ({@code --path_prefix}, TensorBoard's name,
 * for a reverse proxy) and who gets in ({@code --auth}, {@code --auth-token-file}). A server that
 * others can reach asks for an access token unless told otherwise; one on loopback does not.
 */
final class ShareOptions {
  /** Whether to ask for the access token. */
  enum Auth {
    token,
    none
  }

  @Option(names = "--path_prefix", paramLabel = "PATH",
      description = "Serve everything (page, assets, API, live events) under this path, e.g. /tb, for a reverse "
          + "proxy that forwards it; the root redirects there. Default: the root.")
  String pathPrefix;

  @Option(names = "--auth", paramLabel = "MODE",
      description = "token: ask every request for the access token (printed in the address at start, kept by the "
          + "browser in a cookie; scripts send 'Authorization: Bearer TOKEN'); none: anyone who reaches the server "
          + "gets in. Default: token when listening beyond this machine (--bind_all, or a --host that is not "
          + "loopback), none on loopback.")
  Auth auth;

  @Option(names = "--auth-token-file", paramLabel = "FILE",
      description = "Read the access token from FILE (at least 16 letters, digits or -._~; e.g. openssl rand -hex "
          + "32 > FILE) instead of making a random one at each start: replicas behind a load balancer share it. "
          + "Implies --auth token.")
  Path tokenFile;

  /** The options checked: the prefix and the access. */
  record Shared(PathPrefix prefix, Access access) {
    /** The address to print for a server at {@code root} ({@code http://host:port}): the token in it, if any. */
    String url(String root) {
      return root + prefix.home() + (access instanceof AccessToken t ? "?token=" + t.value() : "");
    }
  }

  /**
   * The options for a server that listens on {@code bindHost}; an {@link IllegalArgumentException}
   * says what is wrong with them (a bad prefix, a token file that is unreadable or not a token,
   * --auth none with a token file).
   */
  Shared resolve(String bindHost) {
    PathPrefix prefix = PathPrefix.parse(pathPrefix);
    if (auth == Auth.none && tokenFile != null) {
      throw new IllegalArgumentException("--auth none and --auth-token-file contradict each other: give one");
    }
    boolean token = auth == Auth.token || tokenFile != null || (auth == null && !isLoopback(bindHost));
    Access access = !token ? Access.open() : tokenFile != null ? AccessToken.fromFile(tokenFile) : AccessToken.random();
    return new Shared(prefix, access);
  }

  /** Whether an address (or a name) is this machine only; one that cannot be resolved is not. */
  static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false; // every interface, for some servers
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
