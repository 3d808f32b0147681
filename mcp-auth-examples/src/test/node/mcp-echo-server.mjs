// A small MCP server in another language, for the authorizing proxy's tests: the official
// TypeScript SDK's server over Streamable HTTP (stateless), with a tool that echoes the
// headers it received and a tool that streams progress over SSE. It behaves as a careless server
// would, for the proxy to isolate the client from: every answer sets a cookie and allows every
// origin (CORS), and its 401s name a resource_metadata of its own. Usage: node mcp-echo-server.mjs PORT
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const port = Number(process.argv[2]);

function newServer() {
  const server = new McpServer({ name: 'echo-server', version: '1.0.0' });
  server.registerTool('echo_headers', { description: 'Echoes the authorization and forwarding headers this server received.' },
    async (extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      return { content: [{ type: 'text', text: JSON.stringify({
        authorization: headers['authorization'] ?? null,
        scope: headers['x-mcp-auth-scope'] ?? null,
        clientId: headers['x-mcp-auth-client-id'] ?? null,
        subject: headers['x-mcp-auth-subject'] ?? null,
        forwarded: headers['forwarded'] ?? null,
        xForwardedFor: headers['x-forwarded-for'] ?? null,
        xForwardedHost: headers['x-forwarded-host'] ?? null,
        xForwardedProto: headers['x-forwarded-proto'] ?? null,
        xRealIp: headers['x-real-ip'] ?? null,
        cookie: headers['cookie'] ?? null,
        names: Object.keys(headers),
      }) }] };
    });
  server.registerTool('progress', { description: 'Reports progress three times, then answers.' },
    async (extra) => {
      const token = extra._meta?.progressToken;
      for (let i = 1; i <= 3; i++) {
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3 } });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { content: [{ type: 'text', text: 'done' }] };
    });
  return server;
}

// With REFUSE_FIRST_TOKEN=1 the server answers 401 to the first request of each new bearer token
// after the very first token: as an API does when the user's upstream token has expired.
// POST /admin/refuse-known makes it refuse every token seen so far: the upstream revoked them.
// A request with X-Echo-Refuse: always gets 401 without a body, whatever its token (GET
// /admin/stats counts the tokens refused so); with X-Echo-Refuse: once-NONCE the first request
// with that header gets 401 with a JSON body, and the next one goes through. X-Echo-Interim: 1 sends
// 102 and 103 interim responses first.
const refuseFirst = process.env.REFUSE_FIRST_TOKEN === '1';
const seen = new Set();
const refused = new Set();
const alwaysRefused = new Set();
const refusedOnce = new Set();
const challenge = 'Bearer error="invalid_token", resource_metadata="http://evil.example/prm"';
const refuse = (res) => res.status(401).set('WWW-Authenticate', challenge)
  .json({ error: 'invalid_token', error_description: 'The access token is not accepted' });
const app = express();
app.use(express.json());
app.use('/mcp', (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Set-Cookie', 'mcp-auth-browser=set-by-the-mcp-server; Path=/');
  next();
});
app.post('/admin/refuse-known', (req, res) => {
  seen.forEach((token) => refused.add(token));
  res.status(204).end();
});
// X-Echo-Hold: 1 holds a request until POST /admin/release: as a long tool call or a GET stream would.
const held = [];
app.post('/admin/release', (req, res) => {
  held.splice(0).forEach((release) => release());
  res.status(204).end();
});
app.get('/admin/stats', (req, res) => res.json({ alwaysRefusedTokens: alwaysRefused.size, held: held.length }));
app.post('/mcp', async (req, res) => {
  const token = req.headers['authorization'] ?? '';
  const refuseHeader = req.headers['x-echo-refuse'] ?? '';
  if (refuseHeader === 'always') {
    alwaysRefused.add(token);
    res.status(401).set('WWW-Authenticate', challenge).end();
    return;
  }
  if (refuseHeader.startsWith('once-') && !refusedOnce.has(refuseHeader)) {
    refusedOnce.add(refuseHeader);
    refuse(res);
    return;
  }
  if (refused.has(token)) {
    refuse(res);
    return;
  }
  if (req.headers['x-echo-hold'] === '1') {
    await new Promise((release) => held.push(release));
  }
  if (req.headers['x-echo-interim'] === '1') {
    // Interim responses before the answer (RFC 9110 §15.2): 102 Processing, 103 Early Hints.
    res.writeProcessing();
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
  }
  if (refuseFirst && !seen.has(token)) {
    seen.add(token);
    if (seen.size === 1) {
      refuse(res);
      return;
    }
  }
  const server = newServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => { transport.close(); server.close(); });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});
app.get('/mcp', (req, res) => res.status(405).set('Allow', 'POST').end());
app.delete('/mcp', (req, res) => res.status(405).set('Allow', 'POST').end());
app.listen(port, '127.0.0.1', () => console.log(`echo MCP server on ${port}`));
