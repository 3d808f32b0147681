-- mcp-auth schema version 5: the rate limiter's token buckets, shared by the replicas so that a limit holds across
-- them. A row is a bucket's state (Bucket4j's, base64) under the action and a hash of the source
-- address or user name; kept until the bucket would be full again, then purged like every lapsed row.

CREATE TABLE mcp_auth_rate_limit (
  bucket_key VARCHAR(128) PRIMARY KEY,
  state VARCHAR(4096) NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX mcp_auth_rate_limit_expires_at ON mcp_auth_rate_limit (expires_at);
