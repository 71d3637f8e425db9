import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  followToCallback,
  startLogin,
  startStack,
  TestBrowser,
  type Stack,
} from '../helpers/stack.ts';
import { JANE, listDelegations } from './accounts.ts';

describe('cookies behind HTTPS', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({}, { httpsPublicUrl: true });
  });

  after(async () => {
    await stack.close();
  });

  test('session cookie takes the __Host- prefix', async () => {
    assert.match(stack.trackerUrl, /^https:/);
    const browser = new TestBrowser(stack.trackerUrl, undefined, { listenUrl: stack.tracker.url });
    const { authorizationUrl } = await startLogin(browser, 'www');
    assert.equal(
      new URL(authorizationUrl).searchParams.get('redirect_uri'),
      `${stack.trackerUrl}/auth/callback`,
    );

    const callback = await browser.fetch(
      await followToCallback(browser, new URL(authorizationUrl), JANE),
    );
    assert.equal(callback.headers.get('location'), '/');
    assert.equal(callback.headers.get('strict-transport-security'), 'max-age=31536000');

    const cookies = callback.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith('__Host-st_session='));
    assert.ok(session, 'the session cookie has the __Host- prefix');
    assert.match(session, /; Secure/);
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; SameSite=Lax/);
    assert.match(session, /; Path=\//);
    assert.doesNotMatch(session, /; Domain=/i, '__Host- cookies carry no Domain');
    assert.ok(
      !cookies.some((cookie) => cookie.startsWith('st_session=')),
      'no unprefixed session cookie',
    );

    await browser.loadSession();
    assert.equal((await listDelegations(browser)).totalResults, 1);
  });
});
