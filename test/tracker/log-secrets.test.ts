import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DEMO_CLIENT_SECRETS } from '../../src/config/idp.ts';
import {
  followToCallback,
  startLogin,
  startStack,
  TestBrowser,
  TEST_USER_AGENTS,
  type Stack,
} from '../helpers/stack.ts';
import { JANE, listDelegations, onlyOfClient, readNdjson, signInAs } from './accounts.ts';
import { LogCapture } from './fixtures.ts';

/** Values that must never reach a log line, with what each one is. */
class Secrets {
  readonly values = new Map<string, string>();

  add(kind: string, value: string | undefined | null): void {
    if (value && value.length >= 8) this.values.set(value, kind);
  }

  async addTokensOf(stack: Stack, delegationIds: string[]): Promise<void> {
    for (const id of delegationIds) {
      const tokens = await stack.tracker.context.store.getTokens(id);
      this.add('access token', tokens?.accessToken);
      this.add('refresh token', tokens?.refreshToken);
    }
  }

  async addSessionOf(stack: Stack, browser: TestBrowser): Promise<void> {
    const cookie = browser.cookie('st_session');
    if (!cookie) return;
    const session = await stack.tracker.context.store.getSession(
      createHash('sha256').update(cookie).digest('base64url'),
    );
    this.add('ID token', session?.idToken);
    this.add('CSRF token', session?.csrfToken);
  }

  addCookiesOf(browser: TestBrowser): void {
    for (const cookie of browser.jar.all()) this.add(`cookie ${cookie.name}`, cookie.value);
  }
}

test('no secret reaches the log', async () => {
  const logs = new LogCapture();
  const stack = await startStack({}, { logDestination: logs, logLevel: 'trace' });
  const secrets = new Secrets();
  try {
    for (const [client, secret] of Object.entries(DEMO_CLIENT_SECRETS))
      secrets.add(`client secret of ${client}`, secret);
    secrets.add('cookie secret', stack.config.tracker.cookieSecret.toString('base64'));
    secrets.add('password', JANE.password);

    // A sign-in step by step, to see the code, state and PKCE verifier.
    const chrome = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(chrome, 'www');
    const state = new URL(authorizationUrl).searchParams.get('state')!;
    const transaction = await stack.tracker.context.store.takeLoginTransaction(state);
    assert.ok(transaction);
    await stack.tracker.context.store.saveLoginTransaction(transaction);
    secrets.add('PKCE code verifier', transaction.codeVerifier);
    const callbackUrl = await followToCallback(chrome, new URL(authorizationUrl), JANE);
    secrets.add('authorization code', callbackUrl.searchParams.get('code'));
    assert.equal((await chrome.fetch(callbackUrl)).headers.get('location'), '/');
    await chrome.loadSession();

    const firefox = await signInAs(
      stack,
      JANE,
      'www2',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    const page = await listDelegations(chrome);
    const ids = page.items.map((item) => item.delegationId);
    await secrets.addTokensOf(stack, ids);
    await secrets.addSessionOf(stack, chrome);
    await secrets.addSessionOf(stack, firefox);

    const own = onlyOfClient(page, 'www');
    await chrome.api('POST', `/api/delegations/${own.id}/refresh`);
    await secrets.addTokensOf(stack, ids);
    await Promise.all([1, 2].map(() => chrome.api('POST', `/api/delegations/${own.id}/refresh`)));
    await secrets.addTokensOf(stack, ids);
    await chrome.api('POST', `/api/delegations/${own.id}/introspect`, { body: { mode: 'json' } });
    await chrome.api('POST', `/api/delegations/${own.id}/introspect`, { body: { mode: 'jwt' } });

    // A failed code exchange and a replayed state log their failures.
    const failing = new TestBrowser(stack.trackerUrl);
    const failingLogin = await startLogin(failing, 'www');
    const badCallback = await followToCallback(
      failing,
      new URL(failingLogin.authorizationUrl),
      JANE,
    );
    secrets.add('authorization code', badCallback.searchParams.get('code'));
    badCallback.searchParams.set('code', 'not-a-real-code-value');
    await failing.fetch(badCallback);
    await failing.fetch(callbackUrl);
    secrets.addCookiesOf(failing);

    await chrome.api('DELETE', `/api/delegations/${onlyOfClient(page, 'www2').id}`);
    secrets.addCookiesOf(chrome);
    secrets.addCookiesOf(firefox);
    await chrome.api('POST', '/api/logout');
    await readNdjson(await firefox.api('POST', '/api/revoke-all'));
  } finally {
    await stack.close();
  }

  const text = logs.text();
  assert.ok(
    logs.lines().some((line) => line.msg === 'signed in'),
    'the run was logged',
  );
  assert.ok(
    logs.lines().some((line) => line.msg === 'sign-in failed'),
    'the failed sign-in was logged',
  );
  for (const [value, kind] of secrets.values) {
    assert.ok(!text.includes(value), `the log contains a ${kind}`);
    if (value.length >= 40)
      assert.ok(!text.includes(value.slice(-24)), `the log contains the end of a ${kind}`);
  }
  assert.doesNotMatch(text, /[?&](code|state)=/, 'no callback query string');
});
