import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Fault } from '../helpers/fault-proxy.ts';
import { followToCallback, TestBrowser } from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import {
  ADMIN,
  JANE,
  listDelegations,
  onlyOfClient,
  readNdjson,
  signInAs,
  type ListedDelegation,
} from '../tracker/accounts.ts';
import { startProxiedStack, type ProxiedStack } from './support/proxied-stack.ts';

const SCIM = /^\/um\/admin\//;
const TOKEN = '/oauth/v2/oauth-token';
const INTROSPECT = '/oauth/v2/oauth-introspect';

/** A tracker call the UI makes, and the server path its fault is put on. */
interface Action {
  name: string;
  method: string;
  path: (delegation: ListedDelegation) => string;
  body?: unknown;
  as: 'user' | 'admin';
  /** Where the fault goes: the server endpoint the action needs. */
  endpoint: string | RegExp;
}

const ACTIONS: Action[] = [
  { name: 'list', method: 'GET', path: () => '/api/delegations', as: 'user', endpoint: SCIM },
  {
    name: 'refresh',
    method: 'POST',
    path: (d) => `/api/delegations/${d.id}/refresh`,
    as: 'user',
    endpoint: TOKEN,
  },
  {
    name: 'introspect',
    method: 'POST',
    path: (d) => `/api/delegations/${d.id}/introspect`,
    body: { mode: 'json' },
    as: 'user',
    endpoint: INTROSPECT,
  },
  {
    name: 'revoke',
    method: 'DELETE',
    path: (d) => `/api/delegations/${d.id}`,
    as: 'user',
    endpoint: SCIM,
  },
  { name: 'revoke-all', method: 'POST', path: () => '/api/revoke-all', as: 'user', endpoint: SCIM },
  {
    name: 'admin list',
    method: 'GET',
    path: () => '/api/admin/delegations?user=janedoe',
    as: 'admin',
    endpoint: SCIM,
  },
  {
    name: 'admin user page',
    method: 'GET',
    path: () => '/api/admin/users/janedoe',
    as: 'admin',
    endpoint: SCIM,
  },
  {
    name: 'admin revoke',
    method: 'DELETE',
    path: (d) => `/api/admin/delegations/${d.id}`,
    as: 'admin',
    endpoint: SCIM,
  },
  {
    name: 'bulk dry run',
    method: 'POST',
    path: () => '/api/admin/bulk-revoke',
    body: { target: { user: 'janedoe' }, dryRun: true },
    as: 'admin',
    endpoint: SCIM,
  },
];

/** A fault and the error every action must answer with while it lasts. */
interface Scenario {
  name: string;
  fault: Fault | 'refuse';
  status: number;
  code: string;
  message: RegExp;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'connection refused',
    fault: 'refuse',
    status: 503,
    code: 'as_unreachable',
    message:
      /^The authorization server at http:\/\/127\.0\.0\.1:\d+ cannot be reached \(connection refused, ECONNREFUSED\)\. Check that it is running/,
  },
  {
    name: 'connection reset',
    fault: { kind: 'reset' },
    status: 503,
    code: 'as_unreachable',
    message: /cannot be reached \(connection closed early/,
  },
  {
    name: 'server hangs',
    fault: { kind: 'hang' },
    status: 504,
    code: 'as_timeout',
    message:
      /did not respond within \d+ ms\. Check its health, or raise authServer\.requestTimeoutMs\./,
  },
  {
    name: 'server answers slower than the timeout',
    fault: { kind: 'delay', ms: 3000 },
    status: 504,
    code: 'as_timeout',
    message: /did not respond within \d+ ms/,
  },
  {
    name: 'HTTP 503',
    fault: {
      kind: 'respond',
      status: 503,
      contentType: 'application/json',
      body: '{"error":"temporarily_unavailable"}',
    },
    status: 502,
    code: 'as_error',
    message: /failed with HTTP 503\. Try again later/,
  },
  {
    name: 'HTTP 500 HTML page',
    fault: {
      kind: 'respond',
      status: 500,
      contentType: 'text/html',
      body: '<html><body>Internal Server Error</body></html>',
    },
    status: 502,
    code: 'as_error',
    message: /failed with HTTP 500\. Try again later/,
  },
];

describe('authorization server faults', () => {
  let proxied: ProxiedStack;
  let jane: TestBrowser;
  let admin: TestBrowser;
  let delegation: ListedDelegation;
  let oracle: DelegationOracle;

  const browserFor = (action: Action) => (action.as === 'user' ? jane : admin);
  const call = (action: Action) =>
    browserFor(action).api(action.method, action.path(delegation), { body: action.body });

  before(async () => {
    proxied = await startProxiedStack();
    jane = await signInAs(proxied.stack, JANE, 'www');
    admin = await signInAs(proxied.stack, ADMIN, 'www');
    delegation = onlyOfClient(await listDelegations(jane), 'www');
    oracle = new DelegationOracle(proxied.stack);
  });

  afterEach(async () => {
    proxied.proxy.clear();
    await proxied.proxy.accept();
  });

  after(async () => {
    oracle.close();
    await proxied.close();
  });

  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: every action reports it`, async () => {
      for (const action of ACTIONS) {
        if (scenario.fault === 'refuse') await proxied.proxy.refuse();
        else proxied.proxy.add({ path: action.endpoint, fault: scenario.fault });

        const response = await call(action);
        const text = await response.text();
        const where = `${action.name}: ${text}`;
        assert.equal(response.status, scenario.status, where);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/, where);
        const body = JSON.parse(text) as { error: { code: string; message: string } };
        assert.equal(body.error.code, scenario.code, where);
        assert.match(body.error.message, scenario.message, where);

        proxied.proxy.clear();
        await proxied.proxy.accept();
      }
    });
  }

  test('delegation survives every fault', async () => {
    assert.equal(oracle.statusOf(delegation.delegationId), 'issued');
    assert.ok(
      await proxied.stack.tracker.context.store.getTokens(delegation.delegationId),
      'tokens kept',
    );

    const refresh = await jane.api('POST', `/api/delegations/${delegation.id}/refresh`);
    assert.equal(refresh.status, 200, await refresh.clone().text());
    const listed = onlyOfClient(await listDelegations(jane), 'www');
    assert.equal(listed.id, delegation.id);
  });

  test('sessions and devices survive', async () => {
    assert.equal((await jane.loadSession()).signedIn, true);
    assert.equal((await admin.loadSession()).signedIn, true);
    const device = await proxied.stack.tracker.context.store.getDevice(jane.cookie('st_device')!);
    assert.ok(device, 'the device is kept');
  });

  test('failed DELETEs never count as revoked', async () => {
    // A delayed DELETE would still reach the server after the tracker gave up on it, so the
    // never-answering `hang` stands for slowness here.
    const faults = SCENARIOS.filter(
      (scenario) => scenario.fault !== 'refuse' && scenario.fault.kind !== 'delay',
    );
    for (const scenario of faults) {
      for (const path of [
        `/api/delegations/${delegation.id}`,
        `/api/admin/delegations/${delegation.id}`,
      ]) {
        proxied.proxy.add({ method: 'DELETE', path: SCIM, fault: scenario.fault as Fault });
        const browser = path.startsWith('/api/admin') ? admin : jane;

        const response = await browser.api('DELETE', path);

        const where = `${scenario.name}: DELETE ${path}`;
        assert.equal(response.status, scenario.status, where);
        assert.equal((await response.json()).error.code, scenario.code, where);
        assert.equal(oracle.statusOf(delegation.delegationId), 'issued', where);
        proxied.proxy.clear();
      }

      proxied.proxy.add({ method: 'DELETE', path: SCIM, fault: scenario.fault as Fault });
      const lines = await readNdjson(await jane.api('POST', '/api/revoke-all'));
      proxied.proxy.clear();
      const end = lines.at(-1)!;
      assert.equal(end.type, 'end', scenario.name);
      assert.equal(end.revoked, 0, scenario.name);
      assert.deepEqual(
        end.failed.map((failure: { id: string }) => failure.id),
        [delegation.id],
        scenario.name,
      );
      assert.match(end.failed[0].message, scenario.message, scenario.name);
      assert.equal(end.logoutUrl, null, `${scenario.name}: the session is kept`);
    }
  });

  test('failed revocations audited as failed', async () => {
    const entries = await proxied.stack.tracker.context.store.queryAudit({
      owner: 'janedoe',
      limit: 1000,
    });
    const ofDelegation = entries.filter((entry) => entry.delegationId === delegation.delegationId);
    const revocations = ofDelegation.filter((entry) =>
      ['revoke', 'revoke-all'].includes(entry.action),
    );
    const started = revocations.filter((entry) => entry.result === 'started');
    const failed = revocations.filter((entry) => entry.result === 'failed');

    assert.ok(started.length > 0, 'revocations were attempted');
    assert.equal(failed.length, started.length, 'every started revocation has its failed entry');
    assert.ok(
      !revocations.some((entry) => entry.result === 'succeeded'),
      'no failure is recorded as a success',
    );
    assert.ok(
      failed.every((entry) => /^as_/.test(entry.detail ?? '')),
      'the detail names the error code',
    );
  });

  test('reads retried until success', async () => {
    const before = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).length;
    proxied.proxy.add({
      path: '/um/admin/Delegations',
      fault: { kind: 'respond', status: 503 },
      times: 2,
    });

    const page = await listDelegations(jane);

    assert.equal(page.totalResults, 1);
    const attempts = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).slice(before);
    assert.deepEqual(
      attempts.map((attempt) => attempt.outcome),
      ['respond', 'respond', 'forwarded'],
    );
  });

  test('read retries wait between tries', async () => {
    const before = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).length;
    proxied.proxy.add({ path: '/um/admin/Delegations', fault: { kind: 'respond', status: 502 } });

    const response = await jane.api('GET', '/api/delegations');

    assert.equal(response.status, 502);
    const attempts = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).slice(before);
    assert.equal(attempts.length, 3, 'three tries in all');
    // The first backoff is at least half of its 200 ms ceiling ("equal jitter"), the second at
    // least half of 400 ms, so a retry storm shows up as a shorter gap.
    assert.ok(attempts[1]!.receivedAt - attempts[0]!.receivedAt >= 100);
    assert.ok(attempts[2]!.receivedAt - attempts[1]!.receivedAt >= 200);
  });

  test('hanging read stops within budget', async () => {
    const before = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).length;
    proxied.proxy.add({ path: '/um/admin/Delegations', fault: { kind: 'hang' } });

    const response = await jane.api('GET', '/api/delegations');

    assert.equal(response.status, 504);
    const attempts = proxied.proxy.requestsTo('GET', /^\/um\/admin\/Delegations$/).slice(before);
    assert.ok(attempts.length >= 2, `${attempts.length} tries: the read is retried`);
    assert.ok(attempts.length <= 3, `${attempts.length} tries: at most three`);
  });

  test('writes not repeated after an answer', async () => {
    const deletes = () => proxied.proxy.requestsTo('DELETE', /^\/um\/admin\/Delegations\//).length;
    const before = deletes();
    proxied.proxy.add({ method: 'DELETE', path: SCIM, fault: { kind: 'respond', status: 503 } });

    const response = await jane.api('DELETE', `/api/delegations/${delegation.id}`);

    assert.equal(response.status, 502);
    assert.equal(deletes() - before, 1, 'one DELETE, no retry');
    assert.equal(oracle.statusOf(delegation.delegationId), 'issued');
  });

  test('slow answer within timeout succeeds', async () => {
    proxied.proxy.add({ path: SCIM, fault: { kind: 'delay', ms: 300 } });
    proxied.proxy.add({ path: TOKEN, fault: { kind: 'delay', ms: 300 } });

    assert.equal((await listDelegations(jane)).totalResults, 1);
    const refresh = await jane.api('POST', `/api/delegations/${delegation.id}/refresh`);
    assert.equal(refresh.status, 200, await refresh.clone().text());
  });

  test('revoke-all during outage keeps everything', async () => {
    await proxied.proxy.refuse();
    const response = await jane.api('POST', '/api/revoke-all');
    assert.equal(response.status, 503);
    await proxied.proxy.accept();

    assert.equal((await jane.loadSession()).signedIn, true, 'still signed in');
    assert.equal(oracle.statusOf(delegation.delegationId), 'issued');
    const lines = await readNdjson(await jane.api('POST', '/api/revoke-all'));
    assert.equal(lines.at(-1)!.type, 'end');
    assert.equal(lines.at(-1)!.revoked, 1);
    assert.equal(oracle.statusOf(delegation.delegationId), 'revoked');
  });
});

describe('sign-in while the server fails', () => {
  let proxied: ProxiedStack;

  before(async () => {
    proxied = await startProxiedStack();
  });

  after(async () => {
    await proxied.close();
  });

  test('discovery failure at sign-in start', async () => {
    proxied.proxy.add({
      path: /\/\.well-known\/openid-configuration$/,
      fault: { kind: 'respond', status: 503 },
    });
    const browser = new TestBrowser(proxied.stack.trackerUrl);

    const response = await browser.api('POST', '/api/login', {
      body: { clientId: 'www' },
      csrf: 'pre-session',
    });

    assert.equal(response.status, 502);
    const body = await response.json();
    assert.equal(body.error.code, 'as_error');
    assert.match(body.error.message, /failed with HTTP 503/);
    proxied.proxy.clear();
  });

  test('code exchange failure is login_failed', async () => {
    const browser = new TestBrowser(proxied.stack.trackerUrl);
    const { authorizationUrl } = await (
      await browser.api('POST', '/api/login', { body: { clientId: 'www' }, csrf: 'pre-session' })
    ).json();
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    proxied.proxy.add({ path: TOKEN, fault: { kind: 'reset' } });

    const callback = await browser.fetch(callbackUrl);

    assert.equal(callback.status, 303);
    assert.equal(callback.headers.get('location'), '/?notice=login_failed');
    assert.deepEqual(await browser.loadSession(), { signedIn: false });
    proxied.proxy.clear();
  });

  test('sign-in works after recovery', async () => {
    const browser = await signInAs(proxied.stack, JANE, 'www');
    assert.equal((await browser.loadSession()).signedIn, true);
  });
});
