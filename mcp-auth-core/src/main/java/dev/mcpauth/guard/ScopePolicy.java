package dev.mcpauth.guard;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which scopes a request to the MCP endpoint needs. The filter answers a token that lacks any of
 * them with 403 {@code insufficient_scope} naming all of them, so the client can re-authorize once
 * with everything the operation needs (MCP 2025-11-25 and later). Immutable and thread-safe.
 */
public final class ScopePolicy {
  private final Set<String> always;
  /** Each rule's scopes sorted once here, as {@link #requiredFor} runs per request. */
  private final Set<String> alwaysSorted;
  private final Map<String, List<String>> byMethod;
  private final Map<String, List<String>> byTool;

  private ScopePolicy(Set<String> always, Map<String, Set<String>> byMethod, Map<String, Set<String>> byTool) {
    this.always = Set.copyOf(always);
    this.alwaysSorted = Collections.unmodifiableSet(new LinkedHashSet<>(sorted(always)));
    this.byMethod = sortedValues(byMethod);
    this.byTool = sortedValues(byTool);
  }

  /** Every request needs {@code scopes}, and nothing more. */
  public static ScopePolicy require(String... scopes) {
    return builder().always(scopes).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The scopes every request needs, even one whose body was not read (GET, DELETE). */
  public Set<String> always() {
    return always;
  }

  /** Whether any rule depends on the JSON-RPC method, so the filter must read POST bodies. */
  public boolean inspectsCalls() {
    return !byMethod.isEmpty() || !byTool.isEmpty();
  }

  /**
   * All scopes a request made of {@code calls} needs, in a stable order. An {@linkplain
   * McpCall#unreadable() unreadable} call needs every scope this policy names (fail closed).
   */
  public Set<String> requiredFor(Collection<McpCall> calls) {
    if (calls.isEmpty() || !inspectsCalls()) {
      return alwaysSorted;
    }
    Set<String> required = new LinkedHashSet<>(alwaysSorted);
    if (calls.stream().anyMatch(McpCall::unreadable)) {
      byMethod.values().forEach(required::addAll);
      byTool.values().forEach(required::addAll);
      return Collections.unmodifiableSet(required);
    }
    for (McpCall call : calls) {
      if (call.method() != null) {
        required.addAll(byMethod.getOrDefault(call.method(), List.of()));
      }
      if ("tools/call".equals(call.method()) && call.toolName() != null) {
        required.addAll(byTool.getOrDefault(call.toolName(), List.of()));
      }
    }
    return Collections.unmodifiableSet(required);
  }

  private static List<String> sorted(Set<String> scopes) {
    return scopes.stream().sorted().toList();
  }

  private static Map<String, List<String>> sortedValues(Map<String, Set<String>> rules) {
    Map<String, List<String>> sorted = new LinkedHashMap<>();
    rules.forEach((key, scopes) -> sorted.put(key, sorted(scopes)));
    return Collections.unmodifiableMap(sorted);
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private final Set<String> always = new LinkedHashSet<>();
    private final Map<String, Set<String>> byMethod = new LinkedHashMap<>();
    private final Map<String, Set<String>> byTool = new LinkedHashMap<>();

    /** Scopes that every request needs. */
    public Builder always(String... scopes) {
      always.addAll(List.of(scopes));
      return this;
    }

    /** Scopes a JSON-RPC method needs on top, e.g. {@code method("resources/read", "files:read")}. */
    public Builder method(String method, String... scopes) {
      byMethod.computeIfAbsent(method, m -> new LinkedHashSet<>()).addAll(List.of(scopes));
      return this;
    }

    /** Scopes a {@code tools/call} of one tool needs on top. */
    public Builder tool(String toolName, String... scopes) {
      byTool.computeIfAbsent(toolName, t -> new LinkedHashSet<>()).addAll(List.of(scopes));
      return this;
    }

    public ScopePolicy build() {
      return new ScopePolicy(always, byMethod, byTool);
    }
  }
}
