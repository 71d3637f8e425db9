import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, TestBrowser, TEST_USER_AGENTS, type Stack } from '../helpers/stack.ts';
import {
  JANE,
  LARS,
  listDelegations,
  onlyOfClient,
  signInAs,
  type ListedDelegation,
} from './accounts.ts';

const ANOTHER_BROWSER = 'Made in another browser: its tokens are not held here.';

describe('own delegations', () => {
  let stack: Stack;
  let chrome: TestBrowser;
  let firefox: TestBrowser;
  let lars: TestBrowser;

  before(async () => {
    stack = await startStack();
    chrome = await signInAs(stack, JANE, 'www');
    firefox = await signInAs(
      stack,
      JANE,
      'www2',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    lars = await signInAs(stack, LARS, 'www');
  });

  after(async () => {
    await stack.close();
  });

  test('list marks this browser', async () => {
    const fromChrome = await listDelegations(chrome);
    assert.equal(fromChrome.totalResults, 2);
    assert.equal(fromChrome.startIndex, 1);
    const chromeWww = onlyOfClient(fromChrome, 'www');
    const chromeWww2 = onlyOfClient(fromChrome, 'www2');

    assert.equal(chromeWww.thisBrowser, true);
    assert.equal(chromeWww.owner, 'janedoe');
    assert.equal(chromeWww.status, 'issued');
    assert.equal(chromeWww.clientLabel, 'Web shop (www)');
    assert.deepEqual(chromeWww.actions, {
      refresh: { allowed: true },
      introspect: { allowed: true },
    });
    assert.equal(chromeWww.device?.browser, 'Chrome 126');
    assert.equal(chromeWww.device?.os, 'Linux');
    assert.ok(chromeWww.scope.includes('openid'));
    assert.ok(!Number.isNaN(Date.parse(chromeWww.created ?? '')), 'created is a date');
    assert.ok(!Number.isNaN(Date.parse(chromeWww.expires ?? '')), 'expires is a date');

    assert.equal(chromeWww2.thisBrowser, false);
    assert.equal(chromeWww2.clientLabel, 'Partner portal (www2)');
    assert.equal(chromeWww2.device?.browser, 'Firefox 128');
    assert.deepEqual(chromeWww2.actions.refresh, { allowed: false, reason: ANOTHER_BROWSER });
    assert.deepEqual(chromeWww2.actions.introspect, { allowed: false, reason: ANOTHER_BROWSER });

    const fromFirefox = await listDelegations(firefox);
    assert.equal(onlyOfClient(fromFirefox, 'www').thisBrowser, false);
    assert.equal(onlyOfClient(fromFirefox, 'www2').thisBrowser, true);
    assert.deepEqual(onlyOfClient(fromFirefox, 'www2').actions.refresh, { allowed: true });
  });

  test('list pages with startIndex and count', async () => {
    const first = await listDelegations(chrome, '?startIndex=1&count=1');
    const second = await listDelegations(chrome, '?startIndex=2&count=1');
    assert.equal(first.items.length, 1);
    assert.equal(second.items.length, 1);
    assert.equal(first.totalResults, 2);
    assert.equal(second.startIndex, 2);
    assert.notEqual(first.items[0]!.id, second.items[0]!.id);
  });

  test('other user sees only own delegations', async () => {
    const page = await listDelegations(lars);
    assert.equal(page.totalResults, 1);
    assert.ok(page.items.every((item) => item.owner === 'larseriksson'));
  });

  test('refresh rotates the refresh token', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const before = await stack.tracker.context.store.getTokens(delegation.delegationId);

    const response = await chrome.api('POST', `/api/delegations/${delegation.id}/refresh`);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.delegationId, delegation.delegationId);
    assert.equal(body.refreshTokenRotated, true);
    assert.ok(Date.parse(body.accessTokenExpiresAt) > Date.now());

    const afterRefresh = await stack.tracker.context.store.getTokens(delegation.delegationId);
    assert.notEqual(afterRefresh?.refreshToken, before?.refreshToken);
    assert.notEqual(afterRefresh?.accessToken, before?.accessToken);

    const audit = await stack.tracker.context.store.queryAudit({
      action: 'refresh',
      owner: 'janedoe',
    });
    assert.ok(
      audit.some(
        (entry) => entry.delegationId === delegation.delegationId && entry.result === 'succeeded',
      ),
    );
  });

  test('concurrent refreshes run one at a time', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const refresh = () => chrome.api('POST', `/api/delegations/${delegation.id}/refresh`);
    const store = stack.tracker.context.store;
    const before = await store.getTokens(delegation.delegationId);

    const [first, second] = await Promise.all([refresh(), refresh()]);
    assert.equal(first.status, 200, await first.clone().text());
    assert.equal(second.status, 200, await second.clone().text());
    assert.equal((await first.json()).refreshTokenRotated, true);
    assert.equal((await second.json()).refreshTokenRotated, true);

    const stored = await store.getTokens(delegation.delegationId);
    assert.notEqual(stored?.refreshToken, before?.refreshToken);

    // The stored refresh token is the last one issued: only that one still works.
    const third = await refresh();
    assert.equal(third.status, 200, await third.clone().text());
  });

  test('introspection in JSON mode', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const response = await chrome.api('POST', `/api/delegations/${delegation.id}/introspect`, {
      body: { mode: 'json' },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.active, true);
    assert.equal(body.mode, 'json');
    assert.equal(body.claims.sub, 'janedoe');
    assert.equal(body.claims.delegationId, delegation.delegationId);
    assert.equal(body.verified, undefined);
  });

  test('introspection in JWT mode', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const response = await chrome.api('POST', `/api/delegations/${delegation.id}/introspect`, {
      body: { mode: 'jwt' },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.active, true);
    assert.equal(body.mode, 'jwt');
    assert.equal(body.verified, true);
    assert.equal(body.claims.sub, 'janedoe');
    assert.equal(typeof body.maxAgeSeconds, 'number');
    assert.equal(body.jwt, undefined, 'the phantom token itself stays on the server');
  });

  test('introspection defaults to the configured mode', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const response = await chrome.api('POST', `/api/delegations/${delegation.id}/introspect`);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).mode, 'json');
  });

  test('introspection rejects an unknown mode', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const response = await chrome.api('POST', `/api/delegations/${delegation.id}/introspect`, {
      body: { mode: 'xml' },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.code, 'invalid_request');
    assert.match(body.error.message, /mode/);
  });

  test('another browser cannot use the tokens', async () => {
    const fromFirefox = onlyOfClient(await listDelegations(chrome), 'www2');
    for (const action of ['refresh', 'introspect']) {
      const response = await chrome.api('POST', `/api/delegations/${fromFirefox.id}/${action}`);
      assert.equal(response.status, 400, action);
      assert.equal((await response.json()).error.code, 'no_tokens_here', action);
    }
  });

  test('other user gets 404 for every action', async () => {
    const janes = onlyOfClient(await listDelegations(chrome), 'www');
    const attempts: [string, string][] = [
      ['POST', `/api/delegations/${janes.id}/refresh`],
      ['POST', `/api/delegations/${janes.id}/introspect`],
      ['DELETE', `/api/delegations/${janes.id}`],
      ['POST', '/api/delegations/no-such-id/refresh'],
      ['DELETE', '/api/delegations/no-such-id'],
    ];
    const bodies = new Set<string>();
    for (const [method, path] of attempts) {
      const response = await lars.api(method, path);
      assert.equal(response.status, 404, `${method} ${path}`);
      const body = await response.json();
      assert.equal(body.error.code, 'delegation_not_found', `${method} ${path}`);
      bodies.add(JSON.stringify(body));
    }
    assert.equal(bodies.size, 1, 'unknown and foreign ids get the same answer');
    assert.equal(
      onlyOfClient(await listDelegations(chrome), 'www').status,
      'issued',
      'still issued',
    );
  });

  test('CSRF rules on state-changing routes', async () => {
    const delegation = onlyOfClient(await listDelegations(chrome), 'www');
    const path = `/api/delegations/${delegation.id}/refresh`;
    const rejected: [string, Parameters<TestBrowser['api']>[2]][] = [
      ['no Origin', { origin: null }],
      ['foreign Origin', { origin: 'http://attacker.localhost' }],
      ['missing token', { csrf: null }],
      ['wrong token', { csrf: 'x'.repeat(43) }],
      ['pre-session token', { csrf: 'pre-session' }],
    ];
    for (const [name, options] of rejected) {
      for (const [method, target] of [
        ['POST', path],
        ['DELETE', `/api/delegations/${delegation.id}`],
        ['POST', '/api/logout'],
        ['POST', '/api/revoke-all'],
      ]) {
        const response = await chrome.api(method!, target!, options);
        assert.equal(response.status, 403, `${name}: ${method} ${target}`);
        assert.equal(
          (await response.json()).error.code,
          'csrf_rejected',
          `${name}: ${method} ${target}`,
        );
      }
    }

    const sameOrigin = await chrome.api('POST', path, {
      origin: null,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(sameOrigin.status, 200, 'Sec-Fetch-Site: same-origin without Origin is accepted');
    assert.equal(
      (await chrome.loadSession()).signedIn,
      true,
      'the session survived the rejected calls',
    );
  });

  test('revoke then revoke again', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const delegation = newest(await listDelegations(browser), 'www', true);
    const store = stack.tracker.context.store;
    assert.ok(await store.getTokens(delegation.delegationId));

    const first = await browser.api('DELETE', `/api/delegations/${delegation.id}`);
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { result: 'revoked' });
    assert.equal(await store.getTokens(delegation.delegationId), null, 'tokens deleted');
    assert.ok(!(await listDelegations(browser)).items.some((item) => item.id === delegation.id));

    const second = await browser.api('DELETE', `/api/delegations/${delegation.id}`);
    assert.equal(second.status, 200);
    assert.deepEqual(await second.json(), { result: 'already-revoked' });

    const audit = await store.queryAudit({ action: 'revoke', owner: 'janedoe' });
    const results = audit
      .filter((entry) => entry.scimId === delegation.id)
      .map((entry) => entry.result)
      .sort();
    assert.deepEqual(results, ['started', 'succeeded']);
  });

  test('revoke elsewhere ends refresh here', async () => {
    const holder = await signInAs(
      stack,
      JANE,
      'www2',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    const delegation = newest(await listDelegations(holder), 'www2', true);

    const revoke = await chrome.api('DELETE', `/api/delegations/${delegation.id}`);
    assert.deepEqual(await revoke.json(), { result: 'revoked' });

    for (const action of ['refresh', 'introspect']) {
      const response = await holder.api('POST', `/api/delegations/${delegation.id}/${action}`);
      assert.equal(response.status, 409, action);
      assert.equal((await response.json()).error.code, 'delegation_ended', action);
    }
  });

  test('events stream reports own changes', async () => {
    const events = await chrome.fetch('/api/events', { headers: { accept: 'text/event-stream' } });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = events.body!.getReader();

    const lars2 = onlyOfClient(await listDelegations(lars), 'www');
    await lars.api('POST', `/api/delegations/${lars2.id}/refresh`);
    const mine = onlyOfClient(await listDelegations(chrome), 'www');
    await chrome.api('POST', `/api/delegations/${mine.id}/refresh`);

    const received = await readUntil(reader, /delegation-refreshed/);
    await reader.cancel();
    assert.match(received, /event: change\ndata: /);
    assert.match(received, new RegExp(`"delegationId":"${mine.delegationId}"`));
    assert.doesNotMatch(received, new RegExp(lars2.delegationId), 'no event of another user');
  });
});

/** Returns the most recent delegation of `clientId` made in the listing browser (or not). */
function newest(
  page: { items: ListedDelegation[] },
  clientId: string,
  thisBrowser: boolean,
): ListedDelegation {
  const matching = page.items
    .filter((item) => item.clientId === clientId && item.thisBrowser === thisBrowser)
    .sort((a, b) => Date.parse(b.created ?? '') - Date.parse(a.created ?? ''));
  if (!matching[0])
    throw new Error(`No delegation of ${clientId} with thisBrowser ${thisBrowser}.`);
  return matching[0];
}

async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pattern: RegExp,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!pattern.test(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
