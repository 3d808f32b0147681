package dev.mcpauth.fetch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * HttpClient's resolver for one fetch: the fetched host gets exactly the addresses that were
 * checked, so there is no second lookup whose answer could differ (DNS rebinding). The egress proxy,
 * which the operator configured, is looked up by the system; any other name is refused. Every method
 * of {@link DnsResolver} is overridden so that no default falls back to a real lookup.
 */
final class PinnedDns implements DnsResolver {
  private final String host;
  private final List<InetAddress> checked;
  private final String proxyHost;

  /** @param proxyHost the egress proxy's host, or {@code null} */
  PinnedDns(String host, List<InetAddress> checked, String proxyHost) {
    this.host = host;
    this.checked = List.copyOf(checked);
    this.proxyHost = proxyHost;
  }

  @Override
  public InetAddress[] resolve(String name) throws UnknownHostException {
    if (host.equalsIgnoreCase(name)) {
      return checked.toArray(new InetAddress[0]);
    }
    if (proxyHost != null && proxyHost.equalsIgnoreCase(name)) {
      return SystemDefaultDnsResolver.INSTANCE.resolve(name);
    }
    throw new UnknownHostException("not the fetched host");
  }

  @Override
  public List<InetSocketAddress> resolve(String name, int port) throws UnknownHostException {
    return Arrays.stream(resolve(name))
        .map(address -> new InetSocketAddress(address, port))
        .collect(Collectors.toList());
  }

  /** The name itself: a canonical name would need a lookup (HttpClient asks only for SPNEGO). */
  @Override
  public String resolveCanonicalHostname(String name) throws UnknownHostException {
    if (host.equalsIgnoreCase(name) || (proxyHost != null && proxyHost.equalsIgnoreCase(name))) {
      return name;
    }
    throw new UnknownHostException("not the fetched host");
  }
}
