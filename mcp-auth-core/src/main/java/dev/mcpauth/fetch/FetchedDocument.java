package dev.mcpauth.fetch;
// TEMPORARY STUB
public record FetchedDocument(byte[] body, String contentType, java.time.Duration freshFor) {}
