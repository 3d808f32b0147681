// The official TypeScript SDK client through the authorizing proxy in front of mcp-stream-server.mjs,
// measuring when what the server streams arrives. Usage: node ts-client-stream.mjs MCP_URL USERNAME
// [STATE_FILE] (the client's registration and tokens are written there at the end).
// Prints one JSON line with steps:
//   session   the session id and protocol version the client holds, and those the server received
//   progress  each notifications/progress's arrival and the result's, in ms after the call started
//   get-open  ms after connecting until the standalone GET stream's headers arrived (null: never)
//   get-stream a logging message the server sent on the GET stream 800 ms after notify_soon
//             returned: arrival in ms after the call started, latency from the server's clock
//   resume    the server ended the GET stream, then logged "missed": its arrival after the client
//             resumed, and the Last-Event-ID of each GET the client sent
//   delete    the session ended with DELETE, and what the proxy answers for it afterwards
// Exits 0 when every step ran, whatever it measured; the Java test judges the numbers.
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectThroughProxy } from './proxy-login.mjs';

const [mcpUrl, username, stateFile] = process.argv.slice(2);
const report = { steps: [], http: [], logins: 0 };
const now = () => performance.now();
const logs = [];
const waiters = [];

/** The logging message with this text, or null if it has not come within ms. */
function logged(text, ms) {
  const found = logs.find((l) => l.text === text);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    waiters.push({ text, resolve: (entry) => { clearTimeout(timer); resolve(entry); } });
  });
}

/** Resolves with true when condition() holds, false after ms. */
async function until(condition, ms) {
  const deadline = now() + ms;
  while (!condition()) {
    if (now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

try {
  const connectedAt = now();
  const { client, transport, store, save } = await connectThroughProxy({ mcpUrl, username, stateFile, report });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    const entry = { ...notification.params.data, at: now(), receivedAt: Date.now() };
    logs.push(entry);
    waiters.filter((w) => w.text === entry.text).forEach((w) => w.resolve(entry));
  });

  const info = JSON.parse((await client.callTool({ name: 'session_info', arguments: {} })).content[0].text);
  report.steps.push({ step: 'session', clientSessionId: transport.sessionId, clientProtocolVersion: transport.protocolVersion,
    serverSessionId: info.sessionId, serverProtocolVersion: info.protocolVersion });

  let start = now();
  const arrivals = [];
  const done = await client.callTool({ name: 'progress', arguments: {} }, undefined,
    { onprogress: (p) => arrivals.push({ progress: p.progress, ms: Math.round(now() - start) }) });
  report.steps.push({ step: 'progress', arrivals, resultMs: Math.round(now() - start), text: done.content[0].text });

  const getOpen = () => report.http.some((h) => h.method === 'GET' && h.path === new URL(mcpUrl).pathname && h.status === 200);
  const opened = await until(getOpen, 4000);
  report.steps.push({ step: 'get-open', opened, ms: opened ? Math.round(now() - connectedAt) : null });

  start = now();
  await client.callTool({ name: 'notify_soon', arguments: {} });
  const soon = await logged('soon', 4000);
  report.steps.push({ step: 'get-stream', arrivedMs: soon && Math.round(soon.at - start),
    latencyMs: soon && soon.receivedAt - soon.sentAt });

  start = now();
  await client.callTool({ name: 'drop_stream', arguments: {} });
  const missed = await logged('missed', 8000);
  report.steps.push({ step: 'resume', arrivedMs: missed && Math.round(missed.at - start),
    lastEventIds: report.http.filter((h) => h.method === 'GET' && h.path === new URL(mcpUrl).pathname)
      .map((h) => h.lastEventId ?? null) });

  const sessionId = transport.sessionId;
  await transport.terminateSession();
  const afterwards = await fetch(mcpUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list' }),
    headers: { authorization: `Bearer ${store.tokens.access_token}`, 'mcp-session-id': sessionId,
      'mcp-protocol-version': info.protocolVersion, 'content-type': 'application/json',
      accept: 'application/json, text/event-stream' } });
  report.steps.push({ step: 'delete', sessionId, afterwards: afterwards.status });
  await afterwards.body?.cancel();

  await client.close();
  save();
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  report.ok = false;
  report.error = String(e?.stack ?? e);
  console.log(JSON.stringify(report));
  process.exit(1);
}
