// openid-client-flow.mjs runs the authorization code flow with PKCE against
// a Tollgate issuer using npm openid-client, unmodified: discovery, the
// authorization URL, the login and consent pages driven by plain HTTP form
// posts with a cookie jar, the code exchange (ID token, nonce and RFC 9207
// iss checked by openid-client), userinfo, a refresh, introspection and
// revocation. It prints one JSON object describing what happened; the Go
// test (e2e_openid_client_test.go) judges it.
//
// Environment: ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, USERNAME,
// PASSWORD.
import * as client from 'openid-client';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`missing environment variable ${name}`);
  return v;
};
const issuer = new URL(env('ISSUER'));
const redirectURI = env('REDIRECT_URI');

// --- a minimal browser: cookie jar, manual redirects, form fields -------
const jar = new Map();
function keepCookies(res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair, ...attrs] = c.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const expired = attrs.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a));
    if (expired) jar.delete(name);
    else jar.set(name, pair.slice(i + 1).trim());
  }
}
async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  keepCookies(res);
  return res;
}
function hiddenFields(html) {
  const fields = new URLSearchParams();
  const decode = (s) => s.replace(/&#(\d+);/g, (_, d) => String.fromCharCode(+d))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(decode(m[1]), decode(m[2]));
  }
  return fields;
}
async function postForm(url, fields) {
  return browse(url, {
    method: 'POST',
    body: fields,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: issuer.origin },
  });
}
function expectRedirect(res, what) {
  if (res.status < 300 || res.status > 303) throw new Error(`${what}: status ${res.status}, want a redirect`);
  return new URL(res.headers.get('location'), issuer);
}

const out = {};

// --- discovery -------------------------------------------------------------
const config = await client.discovery(issuer, env('CLIENT_ID'), undefined,
  client.ClientSecretBasic(env('CLIENT_SECRET')), { execute: [client.allowInsecureRequests] });
const meta = config.serverMetadata();
out.discovery = {
  issuer: meta.issuer,
  end_session_endpoint: meta.end_session_endpoint,
  pkce: meta.code_challenge_methods_supported,
};

// --- authorization request with PKCE, state and nonce ------------------------
const verifier = client.randomPKCECodeVerifier();
const challenge = await client.calculatePKCECodeChallenge(verifier);
const state = client.randomState();
const nonce = client.randomNonce();
const authURL = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectURI,
  scope: 'openid profile email read',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  state,
  nonce,
});

// Not signed in: to the login page, then back, then the consent page.
const toLogin = expectRedirect(await browse(authURL), 'authorization request');
const loginPage = await browse(toLogin);
const login = hiddenFields(await loginPage.text());
login.set('username', env('USERNAME'));
login.set('password', env('PASSWORD'));
const back = expectRedirect(await postForm(new URL('login/', issuer.href + '/'), login), 'login');
const consentRes = await browse(back);
const consentHTML = await consentRes.text();
if (consentRes.status !== 200 || !consentHTML.includes('name="allow"')) {
  throw new Error(`consent page: status ${consentRes.status}`);
}
const consent = hiddenFields(consentHTML);
consent.set('allow', 'Authorize');
const callbackRes = await postForm(new URL('authorize/', issuer.href + '/'), consent);
out.consent_status = callbackRes.status;
const callback = expectRedirect(callbackRes, 'consent');
out.callback = { state_ok: callback.searchParams.get('state') === state, iss: callback.searchParams.get('iss') };

// --- code exchange: openid-client checks state, iss, the ID token, nonce --
const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
out.id_token = { sub: claims.sub, aud: claims.aud, nonce_ok: claims.nonce === nonce, auth_time: claims.auth_time };
out.token = { has_refresh: !!tokens.refresh_token, scope: tokens.scope, token_type: tokens.token_type };

// --- userinfo --------------------------------------------------------------
out.userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

// --- refresh (rotation) ------------------------------------------------------
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
out.refresh = {
  rotated: !!refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
  new_access: refreshed.access_token !== tokens.access_token,
};

// --- introspection -----------------------------------------------------------
const active = await client.tokenIntrospection(config, refreshed.access_token);
out.introspect_active = active;

// --- revocation: the refresh token, and with it its access tokens ----------
await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
out.after_revoke = {
  refresh: await client.tokenIntrospection(config, refreshed.refresh_token),
  access: await client.tokenIntrospection(config, refreshed.access_token),
};
try {
  await client.refreshTokenGrant(config, refreshed.refresh_token);
  out.refresh_after_revoke = 'accepted';
} catch (e) {
  out.refresh_after_revoke = e.error ?? e.code ?? String(e);
}

// --- RP-initiated logout URL ---------------------------------------------------
const logoutURL = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, state: 'bye' });
const logoutPage = await browse(logoutURL);
out.logout_page_status = logoutPage.status;
const logoutForm = hiddenFields(await logoutPage.text());
const loggedOut = await postForm(new URL('logout/', issuer.href + '/'), logoutForm);
out.logout_status = loggedOut.status;
out.session_cookie_after_logout = jar.has('tollgate_session');

process.stdout.write(JSON.stringify(out) + '\n');
