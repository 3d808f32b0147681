// A fetch for the SDK's transport that records every exchange in `http` (method, path, status) for
// the Java tests; for the token endpoint also the grant type, the scope and client_id sent, how the
// client authenticated, and the OAuth error of a refusal.
export function recordingFetch(http) {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const response = await fetch(input, init);
    const entry = { method: init.method ?? 'GET', path: url.pathname, status: response.status };
    if (url.pathname === '/token' && init.body instanceof URLSearchParams) {
      entry.grantType = init.body.get('grant_type');
      entry.scope = init.body.get('scope');
      entry.clientId = init.body.get('client_id');
      entry.clientAuthentication = clientAuthentication(new Headers(init.headers), init.body);
      if (!response.ok) entry.error = await response.clone().json().catch(() => null);
    }
    http.push(entry);
    return response;
  };
}

function clientAuthentication(headers, body) {
  if ((headers.get('authorization') ?? '').startsWith('Basic ')) return 'client_secret_basic';
  if (body.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return 'private_key_jwt';
  return body.has('client_secret') ? 'client_secret_post' : 'none';
}
