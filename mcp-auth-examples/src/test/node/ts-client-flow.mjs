// Drives the example server with the official MCP TypeScript SDK client through the whole OAuth
// flow: 401 -> protected resource metadata -> AS metadata -> registration -> authorize -> token ->
// tools/list, tools/call whoami -> refresh -> 403 step-up and re-authorization with the extra scope.
// Usage: node ts-client-flow.mjs MCP_URL USERNAME PASSWORD [OPTIONS_JSON]
//   OPTIONS_JSON (for an external authorization server): {"clientId": a pre-registered client, used
//   instead of dynamic registration; "login": "mock-oauth2-server" to sign in on that server's form,
//   "federated" to consent here and sign in at mock-oauth2-server upstream; "upstreamTool": a tool to call}
// Prints one JSON line with what happened; exits 0 only if every step behaved.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { consent, federatedConsent } from './consent-driver.mjs';

const [mcpUrl, username, password, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');
const redirectUrl = 'http://127.0.0.1:53682/callback';
const http = [];
const report = { steps: [], http };
const store = options.clientId ? { client: { client_id: options.clientId } } : {};

const provider = {
  get redirectUrl() { return redirectUrl; },
  get clientMetadata() {
    return {
      client_name: 'mcp-auth e2e (TypeScript SDK)',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  },
  state: () => (store.state = crypto.randomUUID()),
  clientInformation: () => store.client,
  saveClientInformation: (info) => { store.client = info; },
  tokens: () => store.tokens,
  saveTokens: (tokens) => { store.tokens = tokens; },
  redirectToAuthorization: (url) => { store.authorizationUrl = url; },
  saveCodeVerifier: (verifier) => { store.verifier = verifier; },
  codeVerifier: () => store.verifier,
};

// Records every HTTP exchange (method, path, status) so the Java test can check the discovery order.
// One application decision lives here too: SDK 1.32.2 answers a 403 insufficient_scope by
// refreshing first, and a refresh can never widen a grant (RFC 6749 §6), so it would give up after
// one more 403. A client that needs more scope needs a new authorization: on that challenge this
// application forgets its refresh token, and the SDK then re-authorizes with the challenged scope.
const recordingFetch = async (input, init = {}) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const response = await fetch(input, init);
  const challenge = response.headers.get('www-authenticate') ?? undefined;
  http.push({ method: init.method ?? 'GET', path: url.pathname, status: response.status, challenge });
  if (response.status === 403 && challenge?.includes('insufficient_scope') && store.tokens) {
    store.tokens = { ...store.tokens, refresh_token: undefined };
  }
  return response;
};

function connectOnce() {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch });
  const client = new Client({ name: 'mcp-auth-e2e', version: '1.0.0' });
  return { transport, client, connected: client.connect(transport) };
}

// The user signs in: on this library's consent page, or on mock-oauth2-server's login form, where
// the user names the claims the identity provider vouches for (here: the scopes the client asked for).
async function signIn(url) {
  const log = (m, u, s) => http.push({ method: m, path: new URL(u).pathname, status: s });
  if (options.login === 'federated') return federatedConsent(url, { username, log });
  if (options.login !== 'mock-oauth2-server') return consent(url, { username, password, log });
  // It accepts OpenID authentication requests only; Keycloak, Entra and the others do not need this.
  const asOpenId = new URL(url);
  asOpenId.searchParams.set('scope', `openid ${url.searchParams.get('scope') ?? ''}`.trim());
  const page = await fetch(asOpenId);
  log('GET', asOpenId.href, page.status);
  if (page.status !== 200 || !(await page.text()).includes('name="username"')) throw new Error(`no login form: ${page.status}`);
  const answer = await fetch(asOpenId, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, claims: JSON.stringify({ scope: url.searchParams.get('scope') }) }),
  });
  log('POST', asOpenId.href, answer.status);
  if (answer.status !== 302) throw new Error(`login answered ${answer.status}`);
  return new URL(answer.headers.get('location'));
}

async function authorizeInBrowser(step) {
  const url = new URL(store.authorizationUrl);
  const redirect = await signIn(url);
  if (redirect.searchParams.get('state') !== url.searchParams.get('state')) throw new Error('state not echoed');
  if (options.login !== 'mock-oauth2-server' && !redirect.searchParams.get('iss')) throw new Error('no iss in the authorization response');
  report.steps.push({ step, scope: url.searchParams.get('scope'), resource: url.searchParams.get('resource'),
    iss: redirect.searchParams.get('iss'), codeReceived: !!redirect.searchParams.get('code') });
  return redirect.searchParams.get('code');
}

try {
  // 1. First connection: 401, discovery, registration, authorization, token.
  let { transport, client, connected } = connectOnce();
  try {
    await connected;
    throw new Error('connected without authorization');
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  await transport.finishAuth(await authorizeInBrowser('authorize'));
  report.steps.push({ step: 'token', hasRefreshToken: !!store.tokens?.refresh_token, scope: store.tokens?.scope });
  ({ transport, client, connected } = connectOnce());
  await connected;

  // 2. tools/list and tools/call whoami.
  const tools = await client.listTools();
  report.steps.push({ step: 'tools/list', tools: tools.tools.map((t) => t.name).sort() });
  const who = JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
  report.steps.push({ step: 'whoami', ...who });

  // 3. Refresh: the access token stops working; the SDK refreshes on the 401 and retries.
  const before = store.tokens.refresh_token;
  store.tokens = { ...store.tokens, access_token: 'expired-or-revoked-token' };
  const again = JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
  report.steps.push({ step: 'refresh', rotated: store.tokens.refresh_token !== before, subject: again.subject });

  // 4. Step-up: write_note needs mcp:write, so the server answers 403 insufficient_scope.
  try {
    await client.callTool({ name: 'write_note', arguments: { text: 'hello' } });
    throw new Error('write_note worked without mcp:write');
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  await transport.finishAuth(await authorizeInBrowser('step-up'));
  const written = await client.callTool({ name: 'write_note', arguments: { text: 'hello' } });
  const whoAfter = JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
  report.steps.push({ step: 'write_note', text: written.content[0].text, scopes: whoAfter.scopes });

  if (options.upstreamTool) {
    const upstream = await client.callTool({ name: options.upstreamTool, arguments: {} });
    report.steps.push({ step: options.upstreamTool, text: upstream.content[0].text, isError: !!upstream.isError });
  }
  report.steps.push({ step: 'client-tokens', issuer: JSON.parse(Buffer.from(store.tokens.access_token.split('.')[1], 'base64url')).iss });

  await client.close();
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
  console.log(JSON.stringify(report));
  process.exit(1);
}
