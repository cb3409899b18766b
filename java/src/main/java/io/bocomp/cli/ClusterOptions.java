package io.bocomp.cli;

import io.bocomp.cluster.ClusterSettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every cluster member shares ({@code tune --cluster} and {@code worker}): cluster
 * name, token file, bind address and port. The token comes from --token-file or the environment
 * variable BOCOMP_CLUSTER_TOKEN, never from the command line (which the journal records and ps
 * shows).
 */
final class ClusterOptions {
  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = ClusterSettings.DEFAULT_NAME,
      description = "Cluster name; members of another name or token are refused"
          + " (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the cluster's shared token (default: the environment variable "
          + ClusterSettings.TOKEN_ENV + "); at least " + ClusterSettings.MIN_TOKEN
          + " characters, the same on every member.")
  Path tokenFile;

  @Option(names = "--bind", paramLabel = "ADDR",
      description = "Address this member binds to and announces (default: every interface).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port this member binds to (default: " + ClusterSettings.DEFAULT_PORT
          + " or the next free one).")
  int port;

  /** The settings, with the token from --token-file or the environment. */
  ClusterSettings settings(List<String> join) {
    return new ClusterSettings(name, ClusterSettings.token(tokenFile, System.getenv()), bind, port,
        join);
  }
}
