// Drives the example server's login and consent page in a real headless Chromium (the Debian
// package, launched through playwright-core; never a downloaded browser), as a user would: approve,
// mistype the password, deny, and the two pages an attacker or a broken client would meet (the page
// framed by another site, and the error for an unknown client).
//
// Usage: node browser-consent.mjs BASE_URL CONFIG_JSON
//   CONFIG_JSON: {"clientId", "redirectUri", "codeChallenge", "screenshots", "chromium"}
//   redirectUri is the client's loopback listener, run by the Java test. (A Playwright route cannot
//   stand in for it: routes do not see the target of a redirect, so the browser would hit a closed
//   port, show an error page, and only reach the route when Chromium auto-reloads a second later.)
// Prints one JSON line with what each scenario found; exits 0 only if every scenario behaved.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [base, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const findings = { ok: false };

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function authorizationUrl(state, clientId = config.clientId) {
  const url = new URL('/authorize', base);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: config.redirectUri,
    code_challenge: config.codeChallenge,
    code_challenge_method: 'S256',
    state,
    scope: 'mcp:read',
    resource: `${base}/mcp`,
  }).toString();
  return url.href;
}

function screenshot(page, name) {
  return page.screenshot({ path: join(config.screenshots, name), fullPage: true });
}

/** The redirect's query as an object, e.g. {code, state, iss}. */
function query(url) {
  return Object.fromEntries(new URL(url).searchParams);
}

/** Waits until the browser is sent to the client's redirect URI, and returns that URL. */
async function redirected(page) {
  await page.waitForURL((url) => url.href.startsWith(config.redirectUri));
  return page.url();
}

/** Runs one scenario in its own browser context (own cookies), recording every callback hit. */
async function scenario(browser, name, run) {
  const context = await browser.newContext({ viewport: { width: 800, height: 720 } });
  const callbacks = [];
  context.on('request', (request) => {
    if (request.url().startsWith(config.redirectUri)) {
      callbacks.push(request.url());
    }
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    findings[name] = await run(page, callbacks);
  } finally {
    await context.close();
  }
}

async function approve(page, callbacks) {
  const response = await page.goto(authorizationUrl('s1'));
  const shown = {
    status: response.status(),
    title: await page.title(),
    heading: await page.locator('h1').textContent(),
    warning: await page.locator('.warn').textContent(),
    scopes: await page.locator('li').allTextContents(),
    buttons: await page.getByRole('button').allTextContents(),
  };
  await screenshot(page, 'consent-page.png');
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Approve' }).click();
  const callback = await redirected(page);
  const params = query(callback);
  check(params.code && params.state === 's1' && params.iss === base, `approve redirected to ${callback}`);
  return { ...shown, callback, ...params, callbacks: callbacks.length };
}

async function wrongPassword(page, callbacks) {
  await page.goto(authorizationUrl('s2'));
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Approve' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const found = {
    error: await alert.textContent(),
    url: page.url(),
    usernameKept: await page.getByLabel('User name').inputValue(),
    redirectedAfterError: callbacks.length > 0,
  };
  await screenshot(page, 'login-error.png');
  check(found.error === 'Wrong user name or password.', `the error reads ${JSON.stringify(found.error)}`);
  check(!found.redirectedAfterError, `a wrong password was redirected to ${callbacks[0]}`);
  // The re-rendered form must still work: a user who mistypes once can simply try again.
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Approve' }).click();
  const retry = query(await redirected(page));
  check(retry.code && retry.state === 's2', `the retry redirected with ${JSON.stringify(retry)}`);
  return { ...found, retryCode: Boolean(retry.code), retryState: retry.state };
}

/**
 * A login session: signed in once with the password, the next authorization in the same browser asks
 * for none; the cookie is out of reach of scripts; after signing out the password is asked again.
 */
async function signedIn(page, callbacks) {
  await page.goto(authorizationUrl('s4'));
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Approve' }).click();
  check(query(await redirected(page)).state === 's4', 'the first approval did not come back');

  await page.goto(authorizationUrl('s5'));
  const shown = {
    signedInAs: (await page.locator('p', { hasText: 'Signed in as' }).textContent()).trim(),
    passwordFields: await page.locator('input[type=password]').count(),
    cookieVisibleToScript: (await page.evaluate(() => document.cookie)).includes('mcp-auth-login'),
    cookie: (await page.context().cookies()).find((cookie) => cookie.name === 'mcp-auth-login') ?? null,
  };
  await screenshot(page, 'signed-in.png');
  await page.getByRole('button', { name: 'Approve' }).click();
  const second = query(await redirected(page));
  check(second.code && second.state === 's5', `the signed-in approval redirected with ${JSON.stringify(second)}`);

  await page.goto(new URL('/authorize/logout', base).href);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Signed out' }).waitFor();
  await page.goto(authorizationUrl('s6'));
  const afterSignOut = { passwordFields: await page.locator('input[type=password]').count() };
  return {
    ...shown,
    cookieHttpOnly: shown.cookie?.httpOnly ?? null,
    cookieSameSite: shown.cookie?.sameSite ?? null,
    secondCode: Boolean(second.code),
    afterSignOut,
    callbacks: callbacks.length,
  };
}

async function deny(page) {
  await page.goto(authorizationUrl('s3'));
  // No credentials: the Deny button has formnovalidate, and denying needs no login.
  await page.getByRole('button', { name: 'Deny' }).click();
  const callback = await redirected(page);
  const params = query(callback);
  check(params.error === 'access_denied' && params.state === 's3' && params.iss === base && !params.code,
      `deny redirected to ${callback}`);
  return { callback, ...params };
}

/**
 * Another site (a real listener on 127.0.0.1, so a different origin from the server's localhost)
 * frames the consent page, next to a control frame with the server's metadata document, which
 * carries no anti-framing headers. The page is served for real rather than by a route: Chromium's
 * Local Network Access checks block a frame to localhost from a routed page, whose address is
 * unknown, before the consent page's own headers would matter.
 */
async function framed(page, callbacks) {
  const target = authorizationUrl('s4');
  const control = `${base}/.well-known/oauth-authorization-server`;
  const site = createServer((request, response) => {
    response.setHeader('Content-Type', 'text/html');
    response.end(`<!doctype html><title>another site</title><h1>Another site framing the consent page</h1>
      <iframe src="${target.replaceAll('&', '&amp;')}" width="420" height="420" style="border:3px solid red"></iframe>
      <iframe src="${control}" width="320" height="420" style="border:3px solid green"></iframe>`);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    const messages = [];
    page.on('console', (message) => messages.push(message.text()));
    // Only a refused frame fails; if it rendered, this never resolves and is never awaited.
    const failed = page.waitForEvent('requestfailed', (r) => r.url() === target).catch(() => null);
    const response = page.waitForResponse((r) => r.url() === target);
    await page.goto(`http://127.0.0.1:${site.address().port}/frame.html`); // 'load' waits for both frames
    const [consentFrame, controlFrame] = page.mainFrame().childFrames();
    const headers = (await response).headers();
    const found = {
      status: (await response).status(),
      xFrameOptions: headers['x-frame-options'],
      contentSecurityPolicy: headers['content-security-policy'],
      refusal: messages.find((text) => text.includes('frame-ancestors')) ?? null,
      // A refused frame holds Chromium's error page instead of the server's document.
      frameUrl: consentFrame.url(),
      formsInFrame: await consentFrame.locator('form').count(),
      controlRendered: (await controlFrame.locator('body').textContent()).includes('"authorization_endpoint"'),
      callbacks: callbacks.length,
    };
    await screenshot(page, 'framed.png');
    check(found.controlRendered, 'the control frame did not render: the test page cannot frame this server at all');
    check(found.formsInFrame === 0 && !found.frameUrl.startsWith(base), `the framed page rendered: ${JSON.stringify(found)}`);
    found.failure = (await failed)?.failure()?.errorText;
    return found;
  } finally {
    site.close();
  }
}

async function errorPage(page, callbacks) {
  const response = await page.goto(authorizationUrl('s5', 'no-such-client'));
  const found = {
    status: response.status(),
    url: page.url(),
    heading: await page.locator('h1').textContent(),
    error: await page.locator('.error').textContent(),
    forms: await page.locator('form').count(),
    callbacks: callbacks.length,
  };
  await screenshot(page, 'error-page.png');
  check(found.status === 400 && found.forms === 0 && found.callbacks === 0 && found.url.startsWith(base),
      `the unknown client got ${JSON.stringify(found)}`);
  return found;
}

let browser;
try {
  mkdirSync(config.screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: config.chromium ?? '/usr/bin/chromium',
    // Playwright's launch already uses a fresh temporary profile; these keep Chromium off the network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  findings.browser = browser.version();
  await scenario(browser, 'approve', approve);
  await scenario(browser, 'wrongPassword', wrongPassword);
  await scenario(browser, 'signedIn', signedIn);
  await scenario(browser, 'deny', deny);
  await scenario(browser, 'framed', framed);
  await scenario(browser, 'errorPage', errorPage);
  findings.ok = true;
} catch (e) {
  findings.error = String(e?.stack ?? e);
} finally {
  await browser?.close();
}
console.log(JSON.stringify(findings));
process.exit(findings.ok ? 0 : 1);
