package io.bocomp.cluster;

import io.bocomp.BocompException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * How a member joins a bocomp cluster: the cluster's name and shared token, the address to bind
 * and its port, and the members to join.
 *
 * <p>The token never travels: the Hazelcast cluster name is {@code NAME-H} with H the first 16 hex
 * digits of SHA-256("bocomp-cluster", NAME, TOKEN). A member whose name or token differs has
 * another cluster name, so Hazelcast refuses its join request, and {@link ClusterMember} reports
 * it. This keeps unrelated clusters and stray members apart; it is no protection against anyone
 * who can read the traffic (which carries H in the clear, and everything else): Community
 * Hazelcast has no TLS, so clusters belong on trusted networks only.
 *
 * @param name the cluster's name ({@code --cluster-name}, default "bocomp")
 * @param token the shared secret (from {@value #TOKEN_ENV} or {@code --token-file}; at least
 *     {@value #MIN_TOKEN} characters)
 * @param bind the local address to bind and announce, or null for Hazelcast's choice (every
 *     interface, a non-loopback address announced)
 * @param port the port to bind; 0 for {@value #DEFAULT_PORT} or the next free one above it
 * @param join the members to join ({@code HOST[:PORT]}, default port {@value #DEFAULT_PORT});
 *     empty for the first member of a cluster
 */
public record ClusterSettings(String name, String token, String bind, int port,
    List<String> join) {
  /** Hazelcast's usual port. */
  public static final int DEFAULT_PORT = 5701;
  /** The environment variable holding the token. */
  public static final String TOKEN_ENV = "BOCOMP_CLUSTER_TOKEN";
  /** The shortest token accepted. */
  public static final int MIN_TOKEN = 8;
  /** The default cluster name. */
  public static final String DEFAULT_NAME = "bocomp";

  /**
   * @throws BocompException naming the setting at fault
   */
  public ClusterSettings {
    join = List.copyOf(join);
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new BocompException("--cluster-name must be 1 to 64 letters, digits, '.', '_' or '-',"
          + " got '" + name + "'");
    }
    if (token == null || token.strip().length() < MIN_TOKEN) {
      throw new BocompException("the cluster token must have at least " + MIN_TOKEN
          + " characters: set " + TOKEN_ENV + " or give --token-file FILE, the same on every"
          + " member");
    }
    token = token.strip();
    if (port < 0 || port > 65535) {
      throw new BocompException("--port must lie in [1, 65535], got " + port);
    }
    for (String j : join) {
      address(j, "--join");
    }
  }

  /**
   * The token from {@code file} when given, else from the environment's {@value #TOKEN_ENV}.
   *
   * @throws BocompException when neither gives one
   */
  public static String token(Path file, Map<String, String> env) {
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw new BocompException("--token-file " + file + ": no such file");
      } catch (IOException e) {
        throw new BocompException("--token-file " + file + ": cannot read (" + e.getMessage()
            + ")", e);
      }
    }
    String t = env.get(TOKEN_ENV);
    if (t == null || t.isBlank()) {
      throw new BocompException("a cluster needs a shared token: set " + TOKEN_ENV
          + " or give --token-file FILE (the same on every member)");
    }
    return t;
  }

  /** The Hazelcast cluster name: {@code NAME-H} (see the class comment). */
  public String clusterName() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("bocomp-cluster\0".getBytes(StandardCharsets.UTF_8));
      md.update(name.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(token.getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A host and port. */
  public record Address(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * Parses {@code HOST[:PORT]} ({@code [IPv6]:PORT} for IPv6).
   *
   * @param option names the option in the message
   * @throws BocompException when it is not one
   */
  public static Address address(String s, String option) {
    String host = s == null ? "" : s.strip();
    int port = DEFAULT_PORT;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new BocompException(option + " '" + s + "' must be HOST[:PORT]");
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (!rest.isEmpty()) {
        port = port(rest.startsWith(":") ? rest.substring(1) : "x", s, option);
      }
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = port(host.substring(host.indexOf(':') + 1), s, option);
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.isEmpty()) {
      throw new BocompException(option + " '" + s + "' must be HOST[:PORT]");
    }
    return new Address(host, port);
  }

  private static int port(String p, String s, String option) {
    try {
      int v = Integer.parseInt(p);
      if (v >= 1 && v <= 65535) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BocompException(option + " '" + s + "': the port must be a number in [1, 65535]");
  }

  @Override
  public String toString() {
    return "ClusterSettings[name=" + name + ", bind=" + bind + ", port=" + port + ", join=" + join
        + "]"; // never the token
  }
}
