package dev.mcpauth.guard;

/**
 * One JSON-RPC message in an MCP POST, as far as authorization cares: the method and, for {@code
 * tools/call}, the tool's name. Immutable.
 *
 * @param method the JSON-RPC method, e.g. {@code tools/call}; {@code null} for a response
 * @param toolName the {@code params.name} of a {@code tools/call}, otherwise {@code null}
 * @param unreadable whether the message names its method or tool in a form the filter cannot take
 *     at face value (not a string, or no tool name): it is then held to every scope the policy names
 */
public record McpCall(String method, String toolName, boolean unreadable) {
  /** A message the filter read: a request or notification ({@code method} set) or a response. */
  public McpCall(String method, String toolName) {
    this(method, toolName, false);
  }

  /** A message whose method or tool the filter cannot tell for certain. */
  public static McpCall unreadableCall() {
    return new McpCall(null, null, true);
  }
}
