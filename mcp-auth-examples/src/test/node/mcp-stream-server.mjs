// A stateful MCP server for the authorizing proxy's streaming tests: the official TypeScript SDK's
// server over Streamable HTTP with sessions (Mcp-Session-Id), the standalone GET stream and an
// event store for resumption (Last-Event-ID). Usage: node mcp-stream-server.mjs PORT
//
// Tools: progress (three notifications/progress 500 ms apart, then the result), notify_soon (a
// logging message on the GET stream 800 ms after the call returned: nothing is in flight then),
// drop_stream (ends the GET stream, then logs a message the client can only get by resuming) and
// session_info (the Mcp-Session-Id and MCP-Protocol-Version headers this server received).
//
// Test hooks, straight to this server (not through the proxy): POST /admin/refuse-next-get refuses
// the token of the next GET /mcp with a 401 and a JSON body; POST /admin/kill-get-streams cuts the
// open GET streams' connections; GET /admin/stats. GET /mcp?flood=BYTES (through the proxy) sends
// BYTES of SSE comments, writing only as fast as the connection takes them (Node's backpressure).
import express from 'express';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const port = Number(process.argv[2]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Events by number, per session. The SDK's example store (examples/shared/inMemoryEventStore)
 * takes the stream id from the event id up to the first '_', which the standalone stream's id
 * '_GET_stream' defeats; this one keeps the stream id beside each event.
 */
class NumberedEventStore {
  events = [];

  async storeEvent(streamId, message) {
    this.events.push({ streamId, message });
    return String(this.events.length);
  }

  async getStreamIdForEventId(eventId) {
    return this.events[Number(eventId) - 1]?.streamId;
  }

  async replayEventsAfter(lastEventId, { send }) {
    const last = Number(lastEventId);
    const streamId = this.events[last - 1]?.streamId;
    if (streamId === undefined) return '';
    for (let i = last; i < this.events.length; i++) {
      if (this.events[i].streamId === streamId) await send(String(i + 1), this.events[i].message);
    }
    return streamId;
  }
}

const stats = { sessions: [], deleted: [], getRefusals: 0, openGets: 0, flood: { written: 0, done: false } };
const transports = new Map();
const openGetResponses = new Set();
let refuseNextGet = false;
const refused = new Set();

function newServer(transportOf) {
  const server = new McpServer({ name: 'stream-server', version: '1.0.0' }, { capabilities: { logging: {} } });
  const log = (text) => server.sendLoggingMessage({ level: 'info', data: { text, sentAt: Date.now() } });
  server.registerTool('progress', { description: 'Three progress notifications 500 ms apart, then the result.' },
    async (extra) => {
      const token = extra._meta?.progressToken;
      for (let i = 1; i <= 3; i++) {
        await sleep(500);
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 3 } });
        }
      }
      return { content: [{ type: 'text', text: 'done' }] };
    });
  server.registerTool('notify_soon', { description: 'Logs "soon" on the GET stream 800 ms from now.' },
    async () => {
      setTimeout(() => log('soon').catch((e) => console.error('notify_soon', e)), 800);
      return { content: [{ type: 'text', text: 'scheduled' }] };
    });
  server.registerTool('drop_stream', { description: 'Ends the GET stream, then logs "missed".' },
    async () => {
      transportOf().closeStandaloneSSEStream();
      await log('missed'); // stored for a client that resumes; no stream is open to send it on
      return { content: [{ type: 'text', text: 'dropped' }] };
    });
  server.registerTool('session_info', { description: 'The session headers this server received.' },
    async (extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      return { content: [{ type: 'text', text: JSON.stringify({
        sessionId: headers['mcp-session-id'] ?? null,
        protocolVersion: headers['mcp-protocol-version'] ?? null,
      }) }] };
    });
  return server;
}

function refuse(res) {
  res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"')
    .json({ error: 'invalid_token', error_description: 'The access token is not accepted' });
}

const app = express();
app.use(express.json());
app.post('/admin/refuse-next-get', (req, res) => { refuseNextGet = true; res.status(204).end(); });
app.post('/admin/kill-get-streams', (req, res) => {
  openGetResponses.forEach((r) => r.socket?.destroy());
  res.status(204).end();
});
app.get('/admin/stats', (req, res) => res.json(stats));

app.all('/mcp', async (req, res) => {
  const token = req.headers['authorization'] ?? '';
  if (req.method === 'GET' && refuseNextGet) {
    refuseNextGet = false;
    refused.add(token);
    stats.getRefusals++;
  }
  if (refused.has(token)) {
    refuse(res);
    return;
  }
  if (req.method === 'GET' && req.query.flood) {
    await flood(res, Number(req.query.flood));
    return;
  }
  const sessionId = req.headers['mcp-session-id'];
  let transport = sessionId ? transports.get(sessionId) : undefined;
  if (!transport) {
    if (sessionId || req.method !== 'POST' || !isInitializeRequest(req.body)) {
      res.status(sessionId ? 404 : 400).json({ jsonrpc: '2.0', id: null,
        error: { code: -32000, message: sessionId ? 'Session not found' : 'No session' } });
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: new NumberedEventStore(),
      // SSE comments every second on idle streams: the proxy notices a client that left when a
      // write fails (nothing is read from a client while its request is answered).
      keepAliveMs: 1000,
      onsessioninitialized: (id) => { transports.set(id, transport); stats.sessions.push(id); },
      onsessionclosed: (id) => { transports.delete(id); stats.deleted.push(id); },
    });
    const server = newServer(() => transport);
    await server.connect(transport);
  }
  if (req.method === 'GET') {
    stats.openGets++;
    openGetResponses.add(res);
    res.on('close', () => { stats.openGets--; openGetResponses.delete(res); });
  }
  await transport.handleRequest(req, res, req.body);
});

/**
 * Writes SSE comments until bytes were written, waiting for 'drain' whenever the connection takes
 * no more: stats.flood.written is what this server could hand over, done whether all of it went.
 */
async function flood(res, bytes) {
  stats.flood = { written: 0, done: false };
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const line = Buffer.from(`: ${'x'.repeat(1021)}\n\n`); // 1 KiB
  let closed = false;
  res.on('close', () => { closed = true; });
  while (stats.flood.written < bytes && !closed) {
    const more = res.write(line);
    stats.flood.written += line.length;
    if (!more) {
      await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
    }
  }
  stats.flood.done = !closed;
  res.end();
}

app.listen(port, '127.0.0.1', () => console.log(`stream MCP server on ${port}`));
