package dev.mcpauth.ratelimit;

/**
 * What is rate-limited, and by what key. The endpoints are limited per source address (see {@link
 * SourceAddresses}); failed logins both per user name and per source address, so that neither one
 * address guessing many users' passwords nor many addresses guessing one user's get far.
 */
public enum LimitedAction {
  /** RFC 7591 registrations, per source address. */
  REGISTRATION,
  /** Token requests (RFC 6749 §3.2), per source address. */
  TOKEN,
  /** Authorization requests (RFC 6749 §3.1), per source address: each leaves a pending request. */
  AUTHORIZATION,
  /** Introspection (RFC 7662) and revocation (RFC 7009) requests, per source address. */
  INTROSPECTION_AND_REVOCATION,
  /** Failed logins on the login form, per user name (whether or not the user exists). */
  FAILED_LOGIN_PER_USER,
  /** Failed logins on the login form, per source address. */
  FAILED_LOGIN_PER_ADDRESS
}
