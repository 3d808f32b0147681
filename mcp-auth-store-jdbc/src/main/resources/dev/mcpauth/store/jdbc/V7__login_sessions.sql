-- mcp-auth schema version 7: browsers signed in at the login page, so that every replica recognises a
-- signed-in browser and every replica sees a sign-out. A row is the hash of the session id (the cookie's
-- value), never the id itself; remembered_consents holds hashes of (client, redirect URI, resource,
-- scopes), comma-separated, at most 32 of 43 characters each.

CREATE TABLE mcp_auth_login_session (
  session_hash CHAR(43) PRIMARY KEY,
  subject VARCHAR(2048) NOT NULL,
  signed_in_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  remembered_consents VARCHAR(1500) NOT NULL
);
CREATE INDEX mcp_auth_login_session_subject ON mcp_auth_login_session (subject);
CREATE INDEX mcp_auth_login_session_expires_at ON mcp_auth_login_session (expires_at);
