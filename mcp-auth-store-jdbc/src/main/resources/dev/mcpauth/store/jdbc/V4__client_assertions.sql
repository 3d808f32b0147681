-- mcp-auth schema version 4: the client assertions (private_key_jwt, RFC 7523 §3) already accepted, so
-- that a replayed one is refused, also by another replica. A row is the hash of the client id and the
-- assertion's jti, kept until the assertion expires; no secret.

CREATE TABLE mcp_auth_client_assertion (
  assertion_hash CHAR(43) PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_client_assertion_expires_at ON mcp_auth_client_assertion (expires_at);
