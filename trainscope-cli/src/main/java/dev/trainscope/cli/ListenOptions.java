package dev.trainscope.cli;

import picocli.CommandLine.Option;

/** Where a command serves the dashboard: {@code --host} and {@code --port}, as TensorBoard names them. */
final class ListenOptions {
  @Option(names = "--port", defaultValue = "6006", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
  String host;

  @Option(names = "--allowed_hosts", split = ",", paramLabel = "NAME",
      description = "Host names the dashboard answers to besides localhost, IP addresses and the --host given "
          + "(with --bind_all: this machine's names); comma-separated or repeated. '*' for any, behind a proxy "
          + "that checks names. Other names are refused, against DNS rebinding.")
  java.util.List<String> allowedHosts = new java.util.ArrayList<>();

  /** The problem with the port, or null when it is one. */
  String portProblem() {
    return port < 0 || port > 65535 ? "--port must be in 0..65535, was " + port : null;
  }
}
