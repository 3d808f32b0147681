// The official TypeScript SDK client connected through the authorizing proxy, shared by the proxy's
// client scripts: federated login when it has no tokens or its grant ended (consent at the proxy,
// sign-in at mock-oauth2-server), the client's registration and tokens kept in STATE_FILE between
// runs as a desktop client keeps them, and every HTTP exchange recorded in report.http.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { federatedConsent } from './consent-driver.mjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const redirectUrl = 'http://127.0.0.1:53683/callback';

/**
 * Connects a client to mcpUrl, signing in as username if needed. report gets http (each exchange in
 * the order sent: method, path, status; for POST the JSON-RPC method, for GET the Last-Event-ID
 * sent) and logins.
 * Returns { client, transport, store, save }; save() writes the state file.
 */
export async function connectThroughProxy({ mcpUrl, username, stateFile, report }) {
  const store = stateFile && existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  report.http ??= [];
  report.logins ??= 0;
  const provider = {
    get redirectUrl() { return redirectUrl; },
    get clientMetadata() {
      return { client_name: 'proxy e2e', redirect_uris: [redirectUrl], grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'], token_endpoint_auth_method: 'none' };
    },
    state: () => (store.state = crypto.randomUUID()),
    clientInformation: () => store.client,
    saveClientInformation: (info) => { store.client = info; },
    tokens: () => store.tokens,
    saveTokens: (tokens) => { store.tokens = tokens; },
    redirectToAuthorization: (url) => { store.authorizationUrl = url; },
    saveCodeVerifier: (verifier) => { store.verifier = verifier; },
    codeVerifier: () => store.verifier,
    // What a client does when the server says its credentials are no good: forget them, sign in again.
    invalidateCredentials: (scope) => {
      if (scope === 'all' || scope === 'tokens') delete store.tokens;
      if (scope === 'all' || scope === 'client') delete store.client;
      if (scope === 'all' || scope === 'verifier') delete store.verifier;
    },
  };
  const recordingFetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = init.method ?? 'GET';
    const exchange = { method, path: url.pathname, status: 0 }; // 0 until its headers arrive
    if (method === 'POST' && typeof init.body === 'string') {
      try { exchange.rpc = JSON.parse(init.body).method; } catch { /* a form, not JSON-RPC */ }
    }
    const lastEventId = new Headers(init.headers).get('last-event-id');
    if (lastEventId) exchange.lastEventId = lastEventId;
    report.http.push(exchange);
    const response = await fetch(input, init);
    exchange.status = response.status;
    return response;
  };
  const connect = () => {
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch });
    const client = new Client({ name: 'proxy-e2e', version: '1.0.0' });
    return { transport, client, connected: client.connect(transport) };
  };
  let { transport, client, connected } = connect();
  try {
    await connected;
  } catch (e) {
    // No tokens yet, or the grant ended (the provider refused it): the user signs in again.
    if (!(e instanceof UnauthorizedError)) throw e;
    report.logins++;
    const redirect = await federatedConsent(new URL(store.authorizationUrl), { username,
      log: (m, u, s) => report.http.push({ method: m, path: new URL(u).pathname, status: s }) });
    await transport.finishAuth(redirect.searchParams.get('code'));
    ({ transport, client, connected } = connect());
    await connected;
  }
  const save = () => {
    if (stateFile) writeFileSync(stateFile, JSON.stringify({ client: store.client, tokens: store.tokens }));
  };
  return { client, transport, store, save };
}
