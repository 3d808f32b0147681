-- mcp-auth schema version 5: which principal opened each MCP session (Streamable HTTP Mcp-Session-Id),
-- so that every replica refuses a session id presented with another user's or client's token. A row is
-- the hash of the session id, never the id itself; client_id is null when the token names no client.

CREATE TABLE mcp_auth_mcp_session (
  session_hash CHAR(43) PRIMARY KEY,
  subject VARCHAR(2048) NOT NULL,
  client_id VARCHAR(2048),
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_mcp_session_expires_at ON mcp_auth_mcp_session (expires_at);
