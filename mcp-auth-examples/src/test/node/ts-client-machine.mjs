// A machine client (no user, no browser) with the official MCP TypeScript SDK's ready-made
// providers from client/auth-extensions.js: `ClientCredentialsProvider` (a client secret, HTTP Basic)
// or `PrivateKeyJwtProvider` (an RFC 7523 assertion signed with the client's private key), both
// using the client_credentials grant. Connects, calls whoami, and the tool given, if any.
// Usage: node ts-client-machine.mjs MCP_URL ISSUER CLIENT_FILE
//   CLIENT_FILE (JSON, a file so that secrets stay off the command line): {"provider":
//   "client-secret" | "private-key-jwt", "clientId", "clientSecret" | "privateKeyJwk" and "algorithm",
//   "scope": what the client asks for (optional), "tool": {"name", "arguments"} (optional)}
// Prints one JSON line with what happened; exits 0 if it connected and every call answered.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { recordingFetch } from './http-log.mjs';

const [mcpUrl, issuer, clientFile] = process.argv.slice(2);
const options = JSON.parse(readFileSync(clientFile, 'utf8'));
const http = [];
const report = { steps: [], http };

const provider = options.provider === 'private-key-jwt'
  ? new PrivateKeyJwtProvider({ clientId: options.clientId, privateKey: options.privateKeyJwk,
    algorithm: options.algorithm, scope: options.scope, expectedIssuer: issuer })
  : new ClientCredentialsProvider({ clientId: options.clientId, clientSecret: options.clientSecret,
    scope: options.scope, expectedIssuer: issuer });

try {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch(http) });
  const client = new Client({ name: 'mcp-auth-e2e-machine', version: '1.0.0' });
  await client.connect(transport);
  report.steps.push({ step: 'connect', tokenScope: provider.tokens()?.scope, refreshToken: !!provider.tokens()?.refresh_token });
  const who = JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
  report.steps.push({ step: 'whoami', ...who });
  if (options.tool) {
    const result = await client.callTool(options.tool);
    report.steps.push({ step: options.tool.name, text: result.content[0].text, isError: !!result.isError });
  }
  await client.close();
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
  report.errorName = e?.constructor?.name;
  console.log(JSON.stringify(report));
  process.exit(1);
}
