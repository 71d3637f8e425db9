import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack, type TestBrowser } from '../helpers/stack.ts';
import { isRedirect, parseForm } from '../helpers/test-browser.ts';
import { JANE, listDelegations, signInAs } from './accounts.ts';

describe('logout', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack.close();
  });

  test('logout ends the session and returns the server URL', async () => {
    const browser = await signInAs(stack, JANE, 'www2');
    const delegationsBefore = (await listDelegations(browser)).totalResults;
    const cookie = browser.cookie('st_session')!;

    const response = await browser.api('POST', '/api/logout');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const cleared = response.headers
      .getSetCookie()
      .find((value) => value.startsWith('st_session='));
    assert.ok(cleared, 'the session cookie is cleared');
    assert.match(cleared, /^st_session=;/);

    const { logoutUrl } = await response.json();
    const url = new URL(logoutUrl);
    assert.equal(url.origin, stack.idpUrl);
    assert.equal(url.searchParams.get('client_id'), 'www2');
    assert.equal(
      url.searchParams.get('post_logout_redirect_uri'),
      `${stack.trackerUrl}/auth/logged-out`,
    );
    assert.ok(url.searchParams.get('id_token_hint'), 'the ID token is sent as a hint');

    assert.deepEqual(await browser.loadSession(), { signedIn: false });
    const session = await stack.tracker.context.store.getSession(hashOf(cookie));
    assert.equal(session, null, 'the stored session is gone');

    const audit = await stack.tracker.context.store.queryAudit({
      action: 'logout',
      actor: 'janedoe',
    });
    assert.equal(audit.length, 1);

    // Logging out leaves delegations alone: only revocation ends them.
    const again = await signInAs(stack, JANE, 'www', browser);
    assert.equal((await listDelegations(again)).totalResults, delegationsBefore + 1);
  });

  test('server logout returns to logged-out', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const { logoutUrl } = await (await browser.api('POST', '/api/logout')).json();

    const { response, url } = await followLogout(browser, new URL(logoutUrl));
    assert.equal(url.pathname, '/auth/logged-out');
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/?notice=logged_out');
  });

  test('logout needs a session', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    await browser.api('POST', '/api/logout');
    const response = await browser.api('POST', '/api/logout');
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error.code, 'not_signed_in');
  });
});

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Follows the server's logout: redirects, and the confirmation form that oidc-provider shows,
 * until the browser is sent back to the tracker.
 */
async function followLogout(
  browser: TestBrowser,
  start: URL,
): Promise<{ response: Response; url: URL }> {
  let url = start;
  let response = await browser.fetch(url);
  for (let step = 0; step < 10; step += 1) {
    if (url.origin === new URL(browser.trackerUrl).origin) return { response, url };
    if (isRedirect(response.status)) {
      url = new URL(response.headers.get('location') ?? '', url);
      response = await browser.fetch(url);
      continue;
    }
    const form = parseForm(await response.text(), url);
    if (!form) throw new Error(`Logout stopped at ${url.pathname} with status ${response.status}.`);
    const fields = { ...form.fields, logout: 'yes' };
    url = form.action;
    response = await browser.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin },
      body: new URLSearchParams(fields).toString(),
    });
  }
  throw new Error('Logout did not return to the tracker.');
}
