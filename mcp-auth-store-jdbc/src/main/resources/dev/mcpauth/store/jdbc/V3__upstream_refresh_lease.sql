-- mcp-auth schema version 3: each grant's upstream refresh lease, so that of several replicas only one
-- refreshes a grant's upstream tokens at a time (a provider that rotates refresh tokens revokes the
-- user's grant when it sees one twice: OAuth 2.1 §4.3.1). A row is a lease: a random holder id and the
-- instant it lapses; no secret.

CREATE TABLE mcp_auth_upstream_refresh_lease (
  grant_id VARCHAR(255) PRIMARY KEY,
  holder VARCHAR(255) NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_upstream_refresh_lease_expires_at ON mcp_auth_upstream_refresh_lease (expires_at);
