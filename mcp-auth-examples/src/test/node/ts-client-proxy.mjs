// The official TypeScript SDK client through the authorizing proxy: federated login (consent at the
// proxy, sign-in at mock-oauth2-server), then tools of the MCP server behind the proxy, one of which
// streams progress over SSE. Usage: node ts-client-proxy.mjs MCP_URL USERNAME [STATE_FILE]
// With STATE_FILE the client's registration and tokens are read from it and written back, as a
// desktop client keeps them between runs. Prints one JSON line; exits 0 only if every step behaved.
import { connectThroughProxy } from './proxy-login.mjs';

const [mcpUrl, username, stateFile] = process.argv.slice(2);
const report = { steps: [], http: [], logins: 0 };

try {
  const { client, store, save } = await connectThroughProxy({ mcpUrl, username, stateFile, report });
  report.steps.push({ step: 'tools/list', tools: (await client.listTools()).tools.map((t) => t.name).sort() });
  const echoed = JSON.parse((await client.callTool({ name: 'echo_headers', arguments: {} })).content[0].text);
  report.steps.push({ step: 'echo_headers', ...echoed, clientToken: store.tokens.access_token });
  const progress = [];
  const done = await client.callTool({ name: 'progress', arguments: {} }, undefined,
    { onprogress: (p) => progress.push(p.progress) });
  report.steps.push({ step: 'progress', progress, text: done.content[0].text });
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
