import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForm } from '../helpers/test-browser.ts';
import {
  introspect,
  scimList,
  scimToken,
  signIn,
  startTestIdp,
  tokenRequest,
  TestBrowser,
  type TestIdp,
} from './support.ts';

describe('RP-initiated logout', () => {
  let idp: TestIdp;
  let postLogoutUri: string;
  before(async () => {
    idp = await startTestIdp();
    postLogoutUri = idp.config.clients[0]!.postLogoutRedirectUris[0]!;
  });
  after(async () => {
    await idp.close();
  });

  /** Opens the logout URL and submits its page's form, as the page's script does in a browser. */
  async function logout(browser: TestBrowser, params: Record<string, string>) {
    const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-session/logout`);
    url.search = new URLSearchParams(params).toString();
    const page = await browser.fetch(url);
    const html = await page.text();
    assert.equal(page.status, 200, html);

    const form = parseForm(html, url);
    assert.ok(form, 'the logout page has a form');
    const confirm = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    });
    return { page, html, form, confirm };
  }

  test('logout submits itself under a strict CSP', async () => {
    const tokens = await signIn(idp);
    const { page, html, form } = await logout(tokens.browser, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogoutUri,
    });
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];

    assert.ok(nonce, 'the CSP allows scripts by nonce only');
    assert.ok(
      html.includes(`<script nonce="${nonce}">`),
      'the submitting script carries the nonce',
    );
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(form.fields.logout, 'yes');
    assert.equal(form.action.pathname, '/oauth/v2/oauth-session/logout/confirm');
  });

  test('logout redirects with state', async () => {
    const tokens = await signIn(idp);
    const { confirm } = await logout(tokens.browser, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogoutUri,
      state: 'after-logout',
    });
    const location = new URL(confirm.headers.get('location') ?? '');

    assert.equal(confirm.status, 303);
    assert.equal(location.origin + location.pathname, postLogoutUri);
    assert.equal(location.searchParams.get('state'), 'after-logout');
  });

  test('logout with client_id only works', async () => {
    const tokens = await signIn(idp);
    const { confirm } = await logout(tokens.browser, {
      client_id: 'www',
      post_logout_redirect_uri: postLogoutUri,
    });
    assert.equal(confirm.status, 303);
    assert.ok(confirm.headers.get('location')!.startsWith(postLogoutUri));
  });

  test('password is asked again after logout', async () => {
    const tokens = await signIn(idp);
    await logout(tokens.browser, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogoutUri,
    });
    const again = await signIn(idp, { browser: tokens.browser });
    assert.equal(again.askedForPassword, true);
  });

  test('logout leaves delegations and tokens alone', async () => {
    const tokens = await signIn(idp, { username: 'larseriksson', password: 'lars-demo-pass' });
    await logout(tokens.browser, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogoutUri,
    });

    const introspection = (await (await introspect(idp, tokens.access_token)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(introspection.active, true);
    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    assert.equal(refreshed.status, 200);
    const list = await scimList(idp, await scimToken(idp), {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    assert.equal(list.Resources[0]!.status, 'issued');
  });

  test('unregistered post_logout_redirect_uri is rejected', async () => {
    const tokens = await signIn(idp);
    const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-session/logout`);
    url.search = new URLSearchParams({
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://attacker.example/',
    }).toString();
    const response = await tokens.browser.fetch(url);

    assert.equal(response.status, 400);
    assert.match(await response.text(), /post_logout_redirect_uri not registered/);
  });
});

describe('Curity authentication logout', () => {
  let idp: TestIdp;
  let allowed: string;
  before(async () => {
    idp = await startTestIdp();
    allowed = idp.config.logoutRedirectAllowlist[0]!;
  });
  after(async () => {
    await idp.close();
  });

  function logoutUrl(redirectUri?: string): string {
    const query =
      redirectUri === undefined ? '' : `?${new URLSearchParams({ redirect_uri: redirectUri })}`;
    return `${idp.config.publicUrl}/authentication/logout${query}`;
  }

  test('allowed redirect_uri ends the session', async () => {
    const tokens = await signIn(idp);
    const target = `${allowed}auth/logged-out`;
    const response = await tokens.browser.fetch(logoutUrl(target));

    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), target);
    const again = await signIn(idp, { browser: tokens.browser });
    assert.equal(again.askedForPassword, true);
  });

  test('logout leaves delegations alone', async () => {
    const tokens = await signIn(idp);
    await tokens.browser.fetch(logoutUrl(allowed));

    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    assert.equal(refreshed.status, 200);
    const list = await scimList(idp, await scimToken(idp), {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    assert.equal(list.Resources[0]!.status, 'issued');
  });

  test('logout without a session still redirects', async () => {
    const response = await fetch(logoutUrl(allowed), { redirect: 'manual' });
    assert.equal(response.status, 303);
  });

  const rejected: Array<[string, (allowedOrigin: URL) => string | undefined]> = [
    ['missing redirect_uri', () => undefined],
    ['another host', () => 'http://attacker.example/'],
    [
      'host with the allowed prefix',
      (origin) => `${origin.protocol}//${origin.host}.attacker.example/`,
    ],
    ['user information', (origin) => `${origin.protocol}//user:pass@${origin.host}/`],
    ['javascript URL', () => 'javascript:alert(1)'],
    ['relative URL', () => '/somewhere'],
  ];
  for (const [name, redirectUri] of rejected) {
    test(`rejects ${name}`, async () => {
      const tokens = await signIn(idp);
      const response = await tokens.browser.fetch(logoutUrl(redirectUri(new URL(allowed))));

      assert.equal(response.status, 400);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      const again = await signIn(idp, { browser: tokens.browser });
      assert.equal(again.askedForPassword, false, 'a rejected logout keeps the session');
    });
  }

  test('repeated redirect_uri is rejected', async () => {
    const response = await fetch(
      `${logoutUrl(allowed)}&redirect_uri=${encodeURIComponent(allowed)}`,
    );
    assert.equal(response.status, 400);
  });

  test('POST is not allowed', async () => {
    const response = await fetch(logoutUrl(allowed), { method: 'POST' });
    assert.equal(response.status, 405);
  });
});
