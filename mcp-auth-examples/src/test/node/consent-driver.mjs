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
