// Runs the MCP conformance suite's authorization-server scenarios against the example server:
// registers a public client for the suite's loopback callback, starts
// `conformance authorization --url ISSUER`, approves the authorization URL it prints through the
// consent page, delivers the redirect to the suite's callback server, and collects the checks.
// Usage: node conformance-run.mjs NODE22 ISSUER RESOURCE USERNAME PASSWORD CALLBACK_PORT OUTPUT_DIR
// Prints one JSON line: the suite's exit code and every check with its status.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { consent } from './consent-driver.mjs';

const [node22, issuer, resource, username, password, port, outputDir] = process.argv.slice(2);
const callback = `http://127.0.0.1:${port}/callback`;

const registration = await fetch(`${issuer}/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_name: 'MCP conformance suite', redirect_uris: [callback], token_endpoint_auth_method: 'none' }),
});
if (registration.status !== 201) throw new Error(`registration answered ${registration.status}`);
const { client_id: clientId } = await registration.json();

const suite = spawn(node22, ['node_modules/@modelcontextprotocol/conformance/dist/index.js', 'authorization',
  '--url', issuer, '--client-id', clientId, '--resource', resource, '--port', port, '--output-dir', outputDir],
  { stdio: ['ignore', 'pipe', 'pipe'] });

let output = '';
let approval;
suite.stderr.on('data', (chunk) => { output += chunk; });
suite.stdout.on('data', (chunk) => {
  output += chunk;
  const url = output.match(/^(\S+\/authorize\?\S+)$/m)?.[1];
  if (url && !approval) {
    // A failed approval would leave the suite waiting minutes for its callback: stop it instead.
    approval = approve(url).catch((error) => { suite.kill(); return { error: error.message }; });
  }
});

// The user approves on the consent page; the browser then follows the redirect to the callback.
async function approve(authorizationUrl) {
  const redirect = await consent(new URL(authorizationUrl), { username, password });
  const delivered = await fetch(redirect);
  return { redirectHost: redirect.host, callbackStatus: delivered.status, iss: redirect.searchParams.get('iss') };
}

const exitCode = await new Promise((resolve) => suite.on('close', resolve));
const checks = [];
if (existsSync(outputDir)) {
  for (const run of readdirSync(outputDir)) {
    const file = join(outputDir, run, 'checks.json');
    if (existsSync(file)) {
      for (const check of JSON.parse(readFileSync(file, 'utf8'))) {
        checks.push({ id: check.id, status: check.status, errorMessage: check.errorMessage });
      }
    }
  }
}
console.log(JSON.stringify({ exitCode, approval: approval ? await approval : null, checks, output: exitCode === 0 ? undefined : output }));
