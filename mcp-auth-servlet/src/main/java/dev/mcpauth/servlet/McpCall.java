package dev.mcpauth.servlet;

/**
 * One JSON-RPC request in an MCP POST, as far as authorization cares: the method and, for {@code
 * tools/call}, the tool's name. Immutable.
 *
 * @param method the JSON-RPC method, e.g. {@code tools/call}; {@code null} for a response or an
 *     unreadable message
 * @param toolName the {@code params.name} of a {@code tools/call}, otherwise {@code null}
 */
public record McpCall(String method, String toolName) {}
