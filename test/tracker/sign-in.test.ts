import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  followToCallback,
  startLogin,
  startStack,
  TestBrowser,
  TEST_USER_AGENTS,
  type Stack,
} from '../helpers/stack.ts';
import { ADMIN, JANE, LARS, listDelegations, signInAs } from './accounts.ts';

describe('sign-in through the embedded login page', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack.close();
  });

  test('sign-in sets session and device cookies', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const started = await browser.api('POST', '/api/login', {
      body: { clientId: 'www' },
      csrf: 'pre-session',
    });
    assert.equal(started.status, 200);
    const device = started.headers.getSetCookie().find((cookie) => cookie.startsWith('st_device='));
    assert.ok(device, 'device cookie set at sign-in start');
    assert.match(device, /^st_device=[A-Za-z0-9_-]{43};/);
    assert.match(device, /; Max-Age=34560000/);
    assert.match(device, /; HttpOnly/);
    assert.match(device, /; SameSite=Lax/);
    assert.match(device, /; Path=\//);
    assert.doesNotMatch(device, /; Secure/, 'no Secure flag over plain HTTP');

    const { authorizationUrl } = await started.json();
    const login = new URL(authorizationUrl);
    assert.equal(login.origin, stack.idpUrl);
    assert.equal(login.searchParams.get('client_id'), 'www');
    assert.equal(login.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(login.searchParams.get('state'));
    assert.ok(login.searchParams.get('nonce'));
    assert.equal(login.searchParams.get('redirect_uri'), `${stack.trackerUrl}/auth/callback`);

    const callbackUrl = await followToCallback(browser, login, JANE);
    const callback = await browser.fetch(callbackUrl);
    assert.equal(callback.status, 303);
    assert.equal(callback.headers.get('location'), '/');

    const session = callback.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('st_session='));
    assert.ok(session, 'session cookie set');
    assert.match(session, /^st_session=[A-Za-z0-9_-]{43};/);
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; SameSite=Lax/);
    assert.match(session, /; Path=\//);
    assert.match(session, /; Max-Age=28800/);
    assert.doesNotMatch(session, /; Secure/, 'no Secure flag over plain HTTP');
    assert.match(browser.cookie('st_device') ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('session reports user, device and CSRF token', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const session = await browser.loadSession();
    assert.equal(session.signedIn, true);
    assert.equal(session.user.username, 'janedoe');
    assert.equal(session.isAdmin, false);
    assert.equal(session.clientId, 'www');
    assert.match(session.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.match(session.device.publicId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(session.device.browser, 'Chrome 126');
    assert.equal(session.device.os, 'Linux');
    assert.notEqual(
      session.device.publicId,
      browser.cookie('st_device'),
      'the public id is not the cookie value',
    );

    const device = await stack.tracker.context.store.getDevice(browser.cookie('st_device')!);
    assert.ok(device);
    assert.equal(device.publicId, session.device.publicId);
    assert.ok(device.firstSeen.getTime() <= device.lastSeen.getTime());
  });

  test('sign-in is audited', async () => {
    await signInAs(stack, LARS, 'www2');
    const entries = await stack.tracker.context.store.queryAudit({
      actor: 'larseriksson',
      action: 'sign-in',
    });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.result, 'succeeded');
    assert.equal(entries[0]!.clientId, 'www2');
    assert.ok(entries[0]!.delegationId);
  });

  test('admin claim makes an administrator', async () => {
    const browser = await signInAs(stack, ADMIN, 'www');
    assert.equal((await browser.loadSession()).isAdmin, true);
  });

  test('sign-in rotates the session', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const firstCookie = browser.cookie('st_session')!;
    const firstCsrf = browser.csrfToken!;
    const device = browser.cookie('st_device')!;

    await signInAs(stack, JANE, 'www2', browser);
    const secondCookie = browser.cookie('st_session')!;
    assert.notEqual(secondCookie, firstCookie);
    assert.notEqual(browser.csrfToken, firstCsrf);
    assert.equal(browser.cookie('st_device'), device, 'the device stays');

    const replay = new TestBrowser(stack.trackerUrl);
    replay.jar.set(new URL(stack.trackerUrl), 'st_device', device);
    replay.jar.set(new URL(stack.trackerUrl), 'st_session', firstCookie);
    assert.deepEqual(
      await replay.loadSession(),
      { signedIn: false },
      'the old cookie no longer works',
    );

    const page = await listDelegations(browser);
    const mine = page.items.filter((item) => item.thisBrowser);
    assert.ok(mine.some((item) => item.clientId === 'www'));
    assert.ok(mine.some((item) => item.clientId === 'www2'));
  });

  test('session cookie without its device cookie', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const thief = new TestBrowser(stack.trackerUrl);
    thief.jar.set(new URL(stack.trackerUrl), 'st_session', browser.cookie('st_session')!);
    assert.deepEqual(await thief.loadSession(), { signedIn: false });
  });

  test('replayed state is rejected', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);

    const first = await browser.fetch(callbackUrl);
    assert.equal(first.headers.get('location'), '/');
    const replay = await browser.fetch(callbackUrl);
    assert.equal(replay.status, 303);
    assert.equal(replay.headers.get('location'), '/?notice=login_expired');
  });

  test('unknown state is rejected', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    callbackUrl.searchParams.set('state', 'forged-state-value');

    const response = await browser.fetch(callbackUrl);
    assert.equal(response.headers.get('location'), '/?notice=login_expired');
    assert.deepEqual(await browser.loadSession(), { signedIn: false });
  });

  test('expired state is rejected', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const state = new URL(authorizationUrl).searchParams.get('state')!;
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);

    const store = stack.tracker.context.store;
    const transaction = await store.takeLoginTransaction(state);
    assert.ok(transaction, 'the transaction was stored');
    await store.saveLoginTransaction({ ...transaction, expiresAt: new Date(Date.now() - 1000) });

    const response = await browser.fetch(callbackUrl);
    assert.equal(response.headers.get('location'), '/?notice=login_expired');
  });

  test('state from another device is rejected', async () => {
    const starter = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(starter, 'www');
    const callbackUrl = await followToCallback(starter, new URL(authorizationUrl), JANE);

    const other = new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows);
    await other.api('POST', '/api/login', { body: { clientId: 'www2' }, csrf: 'pre-session' });
    assert.ok(other.cookie('st_device'), 'the other browser has its own device cookie');
    const response = await other.fetch(callbackUrl);
    assert.equal(response.headers.get('location'), '/?notice=login_expired');
    assert.deepEqual(await other.loadSession(), { signedIn: false });

    // The state was used up by the attempt, so the right browser cannot finish either.
    const late = await starter.fetch(callbackUrl);
    assert.equal(late.headers.get('location'), '/?notice=login_expired');
  });

  test('error from the server is login_denied', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const state = new URL(authorizationUrl).searchParams.get('state')!;

    const response = await browser.fetch(
      `/auth/callback?error=access_denied&state=${encodeURIComponent(state)}`,
    );
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/?notice=login_denied');
  });

  test('bad code is login_failed', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    callbackUrl.searchParams.set('code', 'not-a-real-code');

    const response = await browser.fetch(callbackUrl);
    assert.equal(response.headers.get('location'), '/?notice=login_failed');
    assert.deepEqual(await browser.loadSession(), { signedIn: false });
  });

  test('callback ignores a return URL', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    callbackUrl.searchParams.set('return_to', 'https://attacker.example/');
    callbackUrl.searchParams.set('redirect_uri', 'https://attacker.example/');

    const response = await browser.fetch(callbackUrl);
    const location = response.headers.get('location') ?? '';
    assert.equal(response.status, 303);
    assert.ok(location.startsWith('/'), location);
    assert.ok(!location.startsWith('//'), location);
    assert.doesNotMatch(location, /attacker/);
  });
});
