// Submits the server's login/consent form the way a browser would: GET the authorization URL,
// keep the cookie, read the form, POST it, and return the redirect it answers with.
export async function consent(authorizationUrl, { username, password, decision = 'approve', log = () => {} }) {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  log('GET', authorizationUrl, page.status);
  if (page.status !== 200) {
    throw new Error(`authorization page answered ${page.status}: ${await page.text()}`);
  }
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const html = await page.text();
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  const field = (name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
  if (!action || !field('handle') || !field('form_token')) {
    throw new Error('no consent form on the authorization page');
  }
  const form = new URLSearchParams({ handle: field('handle'), form_token: field('form_token'), decision });
  if (html.includes('name="username"')) {
    form.set('username', username);
    form.set('password', password);
  }
  const target = new URL(action.replaceAll('&amp;', '&'), authorizationUrl);
  const answer = await fetch(target, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: form,
  });
  log('POST', target.href, answer.status);
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`consent answered ${answer.status} without a redirect: ${await answer.text()}`);
  }
  return new URL(location);
}

// A federated login: consent on this server's page, sign in on mock-oauth2-server's login form
// (the user enters a name; the provider vouches for it), then the provider's redirect back to this
// server's callback, with the cookie the consent set. Returns the redirect to the MCP client.
export async function federatedConsent(authorizationUrl, { username, log = () => {} }) {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  log('GET', authorizationUrl, page.status);
  if (page.status !== 200) throw new Error(`authorization page answered ${page.status}`);
  let cookies = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]);
  const html = await page.text();
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  const field = (name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
  const target = new URL(action.replaceAll('&amp;', '&'), authorizationUrl);
  const consented = await fetch(target, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ handle: field('handle'), form_token: field('form_token'), decision: 'approve' }),
  });
  log('POST', target.href, consented.status);
  if (consented.status !== 302) throw new Error(`consent answered ${consented.status}: ${await consented.text()}`);
  cookies = cookies.concat((consented.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]));
  const upstream = new URL(consented.headers.get('location'));
  const login = await fetch(upstream);
  log('GET', upstream.href, login.status);
  if (!(await login.text()).includes('name="username"')) throw new Error('no login form at the provider');
  const signedIn = await fetch(upstream, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, claims: '{}' }),
  });
  log('POST', upstream.href, signedIn.status);
  const callback = new URL(signedIn.headers.get('location'));
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
  log('GET', callback.href, back.status);
  if (back.status !== 302) throw new Error(`callback answered ${back.status}: ${await back.text()}`);
  return new URL(back.headers.get('location'));
}
