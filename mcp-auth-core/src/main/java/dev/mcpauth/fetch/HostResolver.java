package dev.mcpauth.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses a {@link DocumentFetcher} may connect to. The fetcher checks
 * every address it gets back and connects only to those, so a resolver decides where a fetch may go
 * but cannot widen what the fetcher accepts. It is asked once per fetch, and never about IP literals
 * (the fetcher parses those itself). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface HostResolver {
  /** The system resolver ({@link InetAddress#getAllByName}): the JVM's DNS cache, hosts file and servers. */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * @param host a host name, never an IP literal
   * @return the host's addresses; an empty list or {@link UnknownHostException} means it has none
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
