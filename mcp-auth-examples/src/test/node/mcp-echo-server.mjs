// A small MCP server in another language, for the authorizing proxy's tests: the official
// TypeScript SDK's server over Streamable HTTP (stateless), with a tool that echoes the
// authorization headers it received and a tool that streams progress over SSE.
// Usage: node mcp-echo-server.mjs PORT
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const port = Number(process.argv[2]);

function newServer() {
  const server = new McpServer({ name: 'echo-server', version: '1.0.0' });
  server.registerTool('echo_headers', { description: 'Echoes the authorization headers this server received.' },
    async (extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      return { content: [{ type: 'text', text: JSON.stringify({
        authorization: headers['authorization'] ?? null,
        scope: headers['x-mcp-auth-scope'] ?? null,
        clientId: headers['x-mcp-auth-client-id'] ?? null,
        subject: headers['x-mcp-auth-subject'] ?? null,
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
const refuseFirst = process.env.REFUSE_FIRST_TOKEN === '1';
const seen = new Set();
const refused = new Set();
const app = express();
app.use(express.json());
app.post('/admin/refuse-known', (req, res) => {
  seen.forEach((token) => refused.add(token));
  res.status(204).end();
});
app.post('/mcp', async (req, res) => {
  const token = req.headers['authorization'] ?? '';
  if (refused.has(token)) {
    res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').end();
    return;
  }
  if (refuseFirst && !seen.has(token)) {
    seen.add(token);
    if (seen.size === 1) {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').end();
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
