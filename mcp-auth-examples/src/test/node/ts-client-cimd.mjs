// The official MCP TypeScript SDK client identified by a Client ID Metadata Document: its
// OAuthClientProvider has `clientMetadataUrl`, so once the authorization server's metadata says
// `client_id_metadata_document_supported: true` the SDK uses that URL as its client_id instead of
// registering. 401 -> discovery -> authorize -> consent -> token -> tools/list, whoami -> refresh -> whoami.
// Usage: node ts-client-cimd.mjs MCP_URL USERNAME PASSWORD CLIENT_METADATA_URL [KEY_FILE]
//   KEY_FILE (JSON {"privateKeyJwk", "algorithm"}): the client also proves itself at the token endpoint
//   with private_key_jwt, as ChatGPT does with the key its document publishes (the SDK's
//   createPrivateKeyJwtAuth as the provider's addClientAuthentication); without it, a public client.
// The SDK never fetches the document itself (the authorization server does), so this process needs
// no trust in the document server's certificate.
// Prints one JSON line with what happened; exits 0 only if every step behaved.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { readFileSync } from 'node:fs';
import { consent } from './consent-driver.mjs';
import { recordingFetch } from './http-log.mjs';

const [mcpUrl, username, password, clientMetadataUrl, keyFile] = process.argv.slice(2);
// Must be one of the document's redirect_uris (the Java test serves the document).
const redirectUrl = 'http://127.0.0.1:53682/callback';
const http = [];
const report = { steps: [], http };
const store = {};

const provider = {
  get redirectUrl() { return redirectUrl; },
  get clientMetadataUrl() { return clientMetadataUrl; },
  // Only for dynamic registration, the SDK's fallback when the server does not take metadata documents.
  get clientMetadata() {
    return {
      client_name: 'mcp-auth e2e (TypeScript SDK, registered)',
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
if (keyFile) {
  const { privateKeyJwk, algorithm } = JSON.parse(readFileSync(keyFile, 'utf8'));
  provider.addClientAuthentication = createPrivateKeyJwtAuth({ issuer: clientMetadataUrl, subject: clientMetadataUrl,
    privateKey: privateKeyJwk, alg: algorithm });
}

function connectOnce() {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch(http) });
  const client = new Client({ name: 'mcp-auth-e2e-cimd', version: '1.0.0' });
  return { transport, client, connected: client.connect(transport) };
}

async function whoami(client) {
  return JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
}

try {
  // 1. First connection: 401, discovery, then straight to authorization with the URL as client_id.
  let { transport, client, connected } = connectOnce();
  try {
    await connected;
    throw new Error('connected without authorization');
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  const url = new URL(store.authorizationUrl);
  const log = (m, u, s) => http.push({ method: m, path: new URL(u).pathname, status: s });
  const redirect = await consent(url, { username, password, log });
  if (redirect.searchParams.get('state') !== url.searchParams.get('state')) throw new Error('state not echoed');
  report.steps.push({ step: 'authorize', clientId: url.searchParams.get('client_id'),
    redirectUri: url.searchParams.get('redirect_uri'), storedClientId: store.client?.client_id,
    iss: redirect.searchParams.get('iss'), codeReceived: !!redirect.searchParams.get('code') });
  await transport.finishAuth(redirect.searchParams.get('code'));
  report.steps.push({ step: 'token', hasRefreshToken: !!store.tokens?.refresh_token, scope: store.tokens?.scope });

  // 2. tools/list and whoami with the token.
  ({ transport, client, connected } = connectOnce());
  await connected;
  const tools = await client.listTools();
  report.steps.push({ step: 'tools/list', tools: tools.tools.map((t) => t.name).sort() });
  report.steps.push({ step: 'whoami', ...(await whoami(client)) });

  // 3. Refresh: the access token stops working; the SDK refreshes on the 401, as this client id, and retries.
  const before = store.tokens.refresh_token;
  store.tokens = { ...store.tokens, access_token: 'expired-or-revoked-token' };
  const again = await whoami(client);
  report.steps.push({ step: 'refresh', rotated: store.tokens.refresh_token !== before, ...again });

  await client.close();
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
  console.log(JSON.stringify(report));
  process.exit(1);
}
