-- mcp-auth schema version 1. Values are JSON documents (dev.mcpauth.store.StoredJson) holding
-- hashes only; the columns beside them are what lookups, one-time use and expiry need.
-- Times are epoch milliseconds. Portable to PostgreSQL and H2.

CREATE TABLE mcp_auth_client (
  client_id VARCHAR(255) PRIMARY KEY,
  document VARCHAR(65536) NOT NULL,
  expires_at BIGINT
);
CREATE INDEX mcp_auth_client_expires_at ON mcp_auth_client (expires_at);

CREATE TABLE mcp_auth_pending_authorization (
  handle_hash CHAR(43) PRIMARY KEY,
  document VARCHAR(65536) NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_pending_authorization_expires_at ON mcp_auth_pending_authorization (expires_at);

CREATE TABLE mcp_auth_grant (
  grant_id VARCHAR(255) PRIMARY KEY,
  document VARCHAR(65536) NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_grant_expires_at ON mcp_auth_grant (expires_at);

CREATE TABLE mcp_auth_token (
  token_hash CHAR(43) PRIMARY KEY,
  document VARCHAR(65536) NOT NULL,
  consumed BOOLEAN NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_token_expires_at ON mcp_auth_token (expires_at);
