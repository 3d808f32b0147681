package dev.mcpauth.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake DNS: made-up host names answer with the addresses a test gives, once or for every call
 * after; it counts its calls. Thread-safe.
 */
final class ScriptedResolver implements HostResolver {
  private final Map<String, List<List<InetAddress>>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> callsByHost = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  /** {@code host} answers {@code first} when first asked about, and {@code later} (if given) on every later one. */
  ScriptedResolver answer(String host, List<InetAddress> first, List<InetAddress> later) {
    answers.put(host, later == null ? List.of(first) : List.of(first, later));
    return this;
  }

  ScriptedResolver answer(String host, String... literals) {
    return answer(host, addresses(literals), null);
  }

  int calls() {
    return calls.get();
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    calls.incrementAndGet();
    int call = callsByHost.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
    List<List<InetAddress>> script = answers.get(host);
    if (script == null) {
      throw new UnknownHostException(host);
    }
    return script.get(Math.min(call, script.size() - 1));
  }

  /** IP literals, parsed without any lookup. IPv4-mapped IPv6 literals become IPv4, as Java does. */
  static List<InetAddress> addresses(String... literals) {
    return Arrays.stream(literals).map(ScriptedResolver::address).toList();
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
