-- mcp-auth schema version 2: sealed upstream tokens per grant (federated login). The value is
-- AES-GCM ciphertext bound to the grant id; this table never holds a token in clear.

CREATE TABLE mcp_auth_upstream_token (
  grant_id VARCHAR(255) PRIMARY KEY,
  sealed VARCHAR(65536) NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_upstream_token_expires_at ON mcp_auth_upstream_token (expires_at);
