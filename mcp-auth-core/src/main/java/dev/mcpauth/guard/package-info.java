/**
 * What every HTTP adapter decides about a request to the MCP endpoint, free of any framework: {@link
 * dev.mcpauth.guard.McpGuard} (the bearer decision and its exact challenge), {@link
 * dev.mcpauth.guard.ScopePolicy} (scopes per JSON-RPC method or tool), {@link
 * dev.mcpauth.guard.OriginGuard} (DNS rebinding) and the strict reading of MCP bodies they rely on.
 */
package dev.mcpauth.guard;
