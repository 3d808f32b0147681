// The official TypeScript SDK client through the authorizing proxy: federated login (consent at the
// proxy, sign-in at mock-oauth2-server), then tools of the MCP server behind the proxy, one of which
// streams progress over SSE. Usage: node ts-client-proxy.mjs MCP_URL USERNAME [STATE_FILE]
// With STATE_FILE the client's registration and tokens are read from it and written back, as a
// desktop client keeps them between runs. Prints one JSON line; exits 0 only if every step behaved.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { federatedConsent } from './consent-driver.mjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [mcpUrl, username, stateFile] = process.argv.slice(2);
const redirectUrl = 'http://127.0.0.1:53683/callback';
const store = stateFile && existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
const report = { steps: [], http: [], logins: 0 };
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
  const response = await fetch(input, init);
  report.http.push({ method: init.method ?? 'GET', path: url.pathname, status: response.status });
  return response;
};
const connect = () => {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch });
  const client = new Client({ name: 'proxy-e2e', version: '1.0.0' });
  return { transport, client, connected: client.connect(transport) };
};

try {
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
  report.steps.push({ step: 'tools/list', tools: (await client.listTools()).tools.map((t) => t.name).sort() });
  const echoed = JSON.parse((await client.callTool({ name: 'echo_headers', arguments: {} })).content[0].text);
  report.steps.push({ step: 'echo_headers', ...echoed, clientToken: store.tokens.access_token });
  const progress = [];
  const done = await client.callTool({ name: 'progress', arguments: {} }, undefined,
    { onprogress: (p) => progress.push(p.progress) });
  report.steps.push({ step: 'progress', progress, text: done.content[0].text });
  await client.close();
  if (stateFile) writeFileSync(stateFile, JSON.stringify({ client: store.client, tokens: store.tokens }));
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
  console.log(JSON.stringify(report));
  process.exit(1);
}
