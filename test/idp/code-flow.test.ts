import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { parseForm } from '../helpers/test-browser.ts';
import {
  authorize,
  exchangeCode,
  scimList,
  scimToken,
  signIn,
  startTestIdp,
  submitLogin,
  tokenRequest,
  TestBrowser,
  type TestIdp,
} from './support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('authorization code flow', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  test('discovery lists Curity endpoint paths', async () => {
    const response = await fetch(`${idp.config.issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as Record<string, unknown>;
    const base = idp.config.publicUrl;

    assert.equal(metadata.issuer, `${base}/oauth/v2/oauth-anonymous`);
    assert.equal(metadata.authorization_endpoint, `${base}/oauth/v2/oauth-authorize`);
    assert.equal(metadata.token_endpoint, `${base}/oauth/v2/oauth-token`);
    assert.equal(metadata.introspection_endpoint, `${base}/oauth/v2/oauth-introspect`);
    assert.equal(metadata.revocation_endpoint, `${base}/oauth/v2/oauth-revoke`);
    assert.equal(metadata.userinfo_endpoint, `${base}/oauth/v2/oauth-userinfo`);
    assert.equal(metadata.end_session_endpoint, `${base}/oauth/v2/oauth-session/logout`);
    assert.equal(metadata.jwks_uri, `${base}/oauth/v2/oauth-anonymous/jwks`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
  });

  test('discovery ignores a forged Host header', async () => {
    const response = await fetch(`${idp.config.issuer}/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-host': 'attacker.example' },
    });
    const metadata = (await response.json()) as Record<string, string>;
    assert.ok(metadata.token_endpoint!.startsWith(idp.config.publicUrl));
  });

  test('whole flow returns Curity token fields', async () => {
    const tokens = await signIn(idp, { userAgentId: 'device-42' });

    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string');
    assert.match(tokens.delegation_id ?? '', UUID);
    assert.equal(tokens.sub, 'janedoe');
    assert.equal(tokens.user_agent_id, 'device-42');
    assert.equal(tokens.scope, 'openid profile');
    assert.equal(tokens.expires_in, idp.config.accessTokenTtlSeconds);
  });

  test('access tokens are opaque', async () => {
    const tokens = await signIn(idp);
    assert.equal(tokens.access_token.split('.').length, 1);
  });

  test('ID token carries the profile claims', async () => {
    const tokens = await signIn(idp);
    const jwks = createRemoteJWKSet(new URL(`${idp.config.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, {
      issuer: idp.config.issuer,
      audience: 'www',
    });

    assert.equal(payload.sub, 'janedoe');
    assert.equal(payload.preferred_username, 'janedoe');
    assert.equal(payload.name, 'Jane Doe');
    assert.equal(payload.groups, undefined);
  });

  test('admin ID token carries groups', async () => {
    const tokens = await signIn(idp, { username: 'admin', password: 'admin-demo-pass' });
    const jwks = createRemoteJWKSet(new URL(`${idp.config.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: idp.config.issuer });

    assert.equal(payload.sub, 'admin');
    assert.deepEqual(payload.groups, ['session-admins']);
  });

  test('userinfo returns the claims', async () => {
    const tokens = await signIn(idp, { username: 'larseriksson', password: 'lars-demo-pass' });
    const response = await fetch(`${idp.config.publicUrl}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(response.status, 200);
    const claims = (await response.json()) as Record<string, unknown>;
    assert.equal(claims.sub, 'larseriksson');
    assert.equal(claims.name, 'Lars Eriksson');
  });

  test('user_agent_id lands in customData', async () => {
    const tokens = await signIn(idp, { userAgentId: 'browser-7f3a' });
    const list = await scimList(idp, await scimToken(idp), {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });

    assert.equal(list.totalResults, 1);
    assert.deepEqual(list.Resources[0]!.customData, { user_agent_id: 'browser-7f3a' });
    assert.equal(list.Resources[0]!.redirectUri, idp.config.clients[0]!.redirectUris[0]);
  });

  test('code exchange without user_agent_id omits it', async () => {
    const tokens = await signIn(idp);
    assert.equal(tokens.user_agent_id, undefined);
    assert.match(tokens.delegation_id ?? '', UUID);
  });

  test('malformed user_agent_id fails the exchange', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const result = await authorize(idp, browser, {
      clientId: 'www',
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    const response = await tokenRequest(idp, 'www', {
      grant_type: 'authorization_code',
      code: result.code,
      redirect_uri: result.redirectUri,
      code_verifier: result.verifier,
      user_agent_id: 'has spaces',
    });

    assert.equal(response.status, 400);
    const body = (await response.json()) as Record<string, string>;
    assert.equal(body.error, 'invalid_request');
    assert.match(body.error_description!, /user_agent_id/);
  });

  test('second sign-in uses single sign-on', async () => {
    const first = await signIn(idp);
    const second = await signIn(idp, { browser: first.browser });

    assert.equal(first.askedForPassword, true);
    assert.equal(second.askedForPassword, false);
  });

  test('every authorization creates a new delegation', async () => {
    const first = await signIn(idp, {
      username: 'larseriksson',
      password: 'lars-demo-pass',
      clientId: 'www2',
    });
    const second = await signIn(idp, { browser: first.browser, clientId: 'www2' });
    const third = await signIn(idp, { browser: first.browser, clientId: 'www2' });

    const ids = new Set([first.delegation_id, second.delegation_id, third.delegation_id]);
    assert.equal(ids.size, 3);

    const list = await scimList(idp, await scimToken(idp), {
      filter: 'owner eq "larseriksson" and clientId eq "www2" and status eq "issued"',
    });
    const listed = new Set(list.Resources.map((resource) => resource.externalId));
    for (const id of ids) assert.ok(listed.has(id), `delegation ${id} is listed`);
  });

  test('unknown client gets an error page', async () => {
    const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
    url.search = new URLSearchParams({
      client_id: 'nobody',
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const html = await response.text();

    assert.equal(response.status, 400);
    assert.match(html, /invalid_client/);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.doesNotMatch(html, /<link|@import|https?:\/\//);
  });

  test('unregistered redirect_uri gets an error page', async () => {
    const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
    url.search = new URLSearchParams({
      client_id: 'www',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://attacker.example/cb',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });

    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /redirect_uri/);
  });

  test('authorization without PKCE is rejected', async () => {
    const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
    const redirectUri = idp.config.clients[0]!.redirectUris[0]!;
    url.search = new URLSearchParams({
      client_id: 'www',
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      state: 'no-pkce',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');

    assert.equal(response.status, 303);
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('state'), 'no-pkce');
  });

  test('wrong code_verifier is rejected', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const result = await authorize(idp, browser, {
      clientId: 'www',
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    const response = await tokenRequest(idp, 'www', {
      grant_type: 'authorization_code',
      code: result.code,
      redirect_uri: result.redirectUri,
      code_verifier: 'a'.repeat(43),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_grant');
  });

  test('reused code revokes its delegation', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const result = await authorize(idp, browser, {
      clientId: 'www',
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    const tokens = await exchangeCode(idp, 'www', result);
    const replay = await tokenRequest(idp, 'www', {
      grant_type: 'authorization_code',
      code: result.code,
      redirect_uri: result.redirectUri,
      code_verifier: result.verifier,
    });
    assert.equal(replay.status, 400);

    const refresh = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    assert.equal(refresh.status, 400);
    const list = await scimList(idp, await scimToken(idp), {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    assert.equal(list.Resources[0]!.status, 'revoked');
  });
});

describe('sign-in page', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => {
    await idp.close();
  });

  async function openLoginPage(browser: TestBrowser) {
    const start = await startAuthorization(idp, browser);
    const page = await browser.fetch(start);
    const html = await page.text();
    const form = parseForm(html, start);
    assert.ok(form, 'the sign-in page has a form');
    return { page, html, form };
  }

  test('page has a strict CSP and no external resources', async () => {
    const { page, html } = await openLoginPage(new TestBrowser(idp.config.publicUrl));
    const csp = page.headers.get('content-security-policy') ?? '';

    assert.equal(page.status, 200);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[^']+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|https:|\*/);
    assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!127\.0\.0\.1)/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  test('inputs name their autocomplete purpose', async () => {
    const { html } = await openLoginPage(new TestBrowser(idp.config.publicUrl));

    assert.match(html, /<input id="username"[^>]* autocomplete="username"/);
    assert.match(html, /<input id="password"[^>]* type="password" autocomplete="current-password"/);
    assert.doesNotMatch(html, /autocomplete="off"/);
  });

  test('wrong password shows the page again', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const { form } = await openLoginPage(browser);
    const response = await submitLogin(browser, form.action, {
      ...form.fields,
      username: 'janedoe',
      password: 'wrong',
    });
    const html = await response.text();

    assert.equal(response.status, 401);
    assert.match(html, /username or password is incorrect/);
    assert.match(html, /value="janedoe"/);
    assert.doesNotMatch(html, /wrong/);

    const retry = parseForm(html, form.action)!;
    const success = await submitLogin(browser, retry.action, {
      ...retry.fields,
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    assert.equal(success.status, 303);
  });

  test('unknown user is rejected like a wrong password', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const { form } = await openLoginPage(browser);
    const response = await submitLogin(browser, form.action, {
      ...form.fields,
      username: 'nobody',
      password: 'x',
    });
    assert.equal(response.status, 401);
    assert.match(await response.text(), /username or password is incorrect/);
  });

  test('form without the CSRF token is rejected', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const { form } = await openLoginPage(browser);
    const response = await submitLogin(browser, form.action, {
      username: 'janedoe',
      password: 'jane-demo-pass',
      csrf: 'forged',
    });
    assert.equal(response.status, 403);
  });

  test('form from another site is rejected', async () => {
    const browser = new TestBrowser(idp.config.publicUrl);
    const { form } = await openLoginPage(browser);
    const response = await browser.fetch(form.action, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://attacker.example',
      },
      body: new URLSearchParams({
        ...form.fields,
        username: 'janedoe',
        password: 'jane-demo-pass',
      }).toString(),
    });
    assert.equal(response.status, 403);
  });

  test('form without the interaction cookie is rejected', async () => {
    const { form } = await openLoginPage(new TestBrowser(idp.config.publicUrl));
    const stranger = new TestBrowser(idp.config.publicUrl);
    const response = await submitLogin(stranger, form.action, {
      ...form.fields,
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /expired or was already completed/);
  });

  test('unknown interaction shows an expired page', async () => {
    const response = await fetch(
      `${idp.config.publicUrl}/authentication/login/unknown-interaction`,
    );
    assert.equal(response.status, 400);
  });
});

async function startAuthorization(idp: TestIdp, browser: TestBrowser): Promise<URL> {
  const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
  url.search = new URLSearchParams({
    client_id: 'www',
    response_type: 'code',
    redirect_uri: idp.config.clients[0]!.redirectUris[0]!,
    scope: 'openid profile',
    state: 'state-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const response = await browser.fetch(url);
  assert.equal(response.status, 303);
  return new URL(response.headers.get('location')!, url);
}
