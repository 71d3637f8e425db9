import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTrackerApp } from '../../src/tracker/app.ts';
import {
  followToCallback,
  startLogin,
  startStack,
  TestBrowser,
  TEST_USER_AGENTS,
  type Stack,
} from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import {
  ADMIN,
  JANE,
  LARS,
  listDelegations,
  onlyOfClient,
  signInAs,
  type ListedDelegation,
} from '../tracker/accounts.ts';
import { listRoutes, STATE_CHANGING_METHODS, type RouteInfo } from './support/routes.ts';

/** Request bodies that would take effect if the CSRF check let the request through. */
const BODIES: Record<string, unknown> = {
  '/api/login': { clientId: 'www' },
  '/api/delegations/:id/introspect': { mode: 'json' },
  '/api/admin/bulk-revoke': { target: { user: 'janedoe' }, dryRun: false },
};

/** One way a forged request differs from the UI's. */
interface Forgery {
  name: string;
  /** Headers of the forged request, built from the origin and the victim's CSRF token. */
  headers: (origin: string, csrfToken: string, otherToken: string) => Record<string, string>;
}

const FORGERIES: Forgery[] = [
  { name: 'no Origin', headers: (_origin, token) => ({ 'x-csrf-token': token }) },
  {
    name: 'foreign Origin',
    headers: (_origin, token) => ({ origin: 'https://attacker.example', 'x-csrf-token': token }),
  },
  { name: 'Origin null', headers: (_origin, token) => ({ origin: 'null', 'x-csrf-token': token }) },
  {
    name: 'Origin on another port',
    headers: (origin, token) => ({ origin: origin.replace(/:\d+$/, ':1'), 'x-csrf-token': token }),
  },
  {
    name: 'Origin as a prefix',
    headers: (origin, token) => ({ origin: `${origin}.attacker.example`, 'x-csrf-token': token }),
  },
  {
    name: 'cross-site fetch',
    headers: (_origin, token) => ({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': token }),
  },
  {
    name: 'same-site fetch',
    headers: (_origin, token) => ({ 'sec-fetch-site': 'same-site', 'x-csrf-token': token }),
  },
  { name: 'missing token', headers: (origin) => ({ origin }) },
  {
    name: 'wrong token',
    headers: (origin, token) => ({ origin, 'x-csrf-token': flipLastCharacter(token) }),
  },
  {
    name: "another session's token",
    headers: (origin, _token, other) => ({ origin, 'x-csrf-token': other }),
  },
  { name: 'empty token', headers: (origin) => ({ origin, 'x-csrf-token': '' }) },
];

/** Returns `token` with its last character changed, so it has the right length and is wrong. */
function flipLastCharacter(token: string): string {
  return token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
}

describe('cross-site requests', () => {
  let stack: Stack;
  let jane: TestBrowser;
  let lars: TestBrowser;
  let admin: TestBrowser;
  let target: ListedDelegation;
  let oracle: DelegationOracle;
  let routes: RouteInfo[];

  before(async () => {
    stack = await startStack();
    jane = await signInAs(stack, JANE, 'www');
    lars = await signInAs(stack, LARS, 'www');
    admin = await signInAs(stack, ADMIN, 'www');
    target = onlyOfClient(await listDelegations(jane), 'www');
    oracle = new DelegationOracle(stack);

    const app = await buildTrackerApp(stack.tracker.context);
    await app.ready();
    routes = listRoutes(app);
    await app.close();
  });

  after(async () => {
    oracle.close();
    await stack.close();
  });

  const stateChanging = () => routes.filter((route) => STATE_CHANGING_METHODS.has(route.method));

  test('route list covers the known routes', () => {
    const names = stateChanging().map((route) => `${route.method} ${route.path}`);
    for (const known of [
      'POST /api/login',
      'POST /api/logout',
      'POST /api/delegations/:id/refresh',
      'POST /api/delegations/:id/introspect',
      'DELETE /api/delegations/:id',
      'POST /api/revoke-all',
      'DELETE /api/admin/delegations/:id',
      'POST /api/admin/bulk-revoke',
    ]) {
      assert.ok(names.includes(known), `${known} is listed`);
    }
  });

  test('every state-changing route rejects forgeries', async () => {
    for (const route of stateChanging()) {
      const victim = route.path.startsWith('/api/admin/') ? admin : jane;
      const path = route.path
        .replace(':id', encodeURIComponent(target.id))
        .replace(':username', 'janedoe');
      const token = route.path === '/api/login' ? 'pre-session' : victim.csrfToken!;
      const body = JSON.stringify(BODIES[route.path] ?? {});

      for (const forgery of FORGERIES) {
        const headers = {
          'content-type': 'application/json',
          ...forgery.headers(stack.trackerUrl, token, lars.csrfToken!),
        };
        const response = await victim.fetch(path, { method: route.method, headers, body });
        const where = `${forgery.name}: ${route.method} ${route.path}`;
        assert.equal(response.status, 403, where);
        assert.equal((await response.json()).error.code, 'csrf_rejected', where);
      }
    }
  });

  test('form posts are rejected', async () => {
    for (const route of stateChanging()) {
      const path = route.path.replace(':id', encodeURIComponent(target.id));
      const victim = route.path.startsWith('/api/admin/') ? admin : jane;
      const response = await victim.fetch(path, {
        method: route.method,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://attacker.example',
        },
        body: 'clientId=www&dryRun=false',
      });
      assert.ok(
        [403, 415].includes(response.status),
        `${route.method} ${route.path}: ${response.status}`,
      );
    }
  });

  test('no GET route of the API changes state', () => {
    for (const path of ['/api/logout', '/api/revoke-all', '/api/login', '/api/admin/bulk-revoke']) {
      assert.ok(
        !routes.some((route) => route.method === 'GET' && route.path === path),
        `GET ${path}`,
      );
    }
  });

  test('forgeries changed nothing', async () => {
    assert.equal(oracle.statusOf(target.delegationId), 'issued');
    assert.equal((await jane.loadSession()).signedIn, true);
    assert.equal((await admin.loadSession()).signedIn, true);
    const audit = await stack.tracker.context.store.queryAudit({ owner: 'janedoe', limit: 1000 });
    assert.deepEqual(
      audit
        .filter((entry) => entry.action !== 'sign-in')
        .map((entry) => `${entry.action} ${entry.result}`),
      [],
      'no action was recorded for the victim',
    );
  });
});

describe("another user's delegations", () => {
  let stack: Stack;
  let jane: TestBrowser;
  let lars: TestBrowser;
  let janes: ListedDelegation;
  let oracle: DelegationOracle;

  before(async () => {
    stack = await startStack();
    jane = await signInAs(stack, JANE, 'www');
    lars = await signInAs(stack, LARS, 'www');
    janes = onlyOfClient(await listDelegations(jane), 'www');
    oracle = new DelegationOracle(stack);
  });

  after(async () => {
    oracle.close();
    await stack.close();
  });

  test('user routes hide it in every spelling', async () => {
    const spellings = [
      janes.id,
      encodeURIComponent(encodeURIComponent(janes.id)),
      `${janes.id}%20`,
      `${janes.id}%00`,
      janes.id.toLowerCase(),
      `..%2F${janes.id}`,
      `${janes.id}%2F..%2F${janes.id}`,
      janes.delegationId,
    ];
    for (const id of spellings) {
      for (const [method, suffix] of [
        ['POST', '/refresh'],
        ['POST', '/introspect'],
        ['DELETE', ''],
      ] as const) {
        const response = await lars.api(method, `/api/delegations/${id}${suffix}`);
        const where = `${method} ${id}${suffix}`;
        assert.equal(response.status, 404, where);
        const text = await response.text();
        assert.equal(JSON.parse(text).error.code, 'delegation_not_found', where);
        assert.doesNotMatch(text, /janedoe/, `${where}: nothing about the owner`);
      }
    }
  });

  test('admin routes reject a user', async () => {
    const attempts: [string, string, unknown][] = [
      ['DELETE', `/api/admin/delegations/${janes.id}`, undefined],
      ['POST', '/api/admin/bulk-revoke', { target: { ids: [janes.id] }, dryRun: false }],
      ['POST', '/api/admin/bulk-revoke', { target: { user: 'janedoe' }, dryRun: false }],
      ['GET', '/api/admin/users/janedoe', undefined],
      ['GET', '/api/admin/delegations?user=janedoe', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await lars.api(method, path, { body });
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.equal((await response.json()).error.code, 'not_admin', `${method} ${path}`);
    }
  });

  test('the delegation is untouched', async () => {
    assert.equal(oracle.statusOf(janes.delegationId), 'issued');
    assert.ok(await stack.tracker.context.store.getTokens(janes.delegationId));
    const refresh = await jane.api('POST', `/api/delegations/${janes.id}/refresh`);
    assert.equal(refresh.status, 200);
    const audit = await stack.tracker.context.store.queryAudit({
      actor: 'larseriksson',
      limit: 1000,
    });
    assert.ok(
      !audit.some((entry) => entry.owner === 'janedoe'),
      "no entry of lars's acts on jane's delegations",
    );
  });
});

describe('session fixation and replay', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack.close();
  });

  test('planted cookie is not the session', async () => {
    const victim = new TestBrowser(stack.trackerUrl);
    const planted = 'A'.repeat(43);
    victim.jar.set(new URL(stack.trackerUrl), 'st_session', planted);

    await signInAs(stack, JANE, 'www', victim);

    assert.notEqual(victim.cookie('st_session'), planted);
    const attacker = new TestBrowser(stack.trackerUrl);
    attacker.jar.set(new URL(stack.trackerUrl), 'st_session', planted);
    attacker.jar.set(new URL(stack.trackerUrl), 'st_device', victim.cookie('st_device')!);
    assert.deepEqual(await attacker.loadSession(), { signedIn: false });
  });

  test("attacker's planted session is replaced", async () => {
    const attacker = await signInAs(stack, LARS, 'www');
    const victim = new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows);
    for (const name of ['st_session', 'st_device']) {
      victim.jar.set(new URL(stack.trackerUrl), name, attacker.cookie(name)!);
    }

    await signInAs(stack, JANE, 'www', victim);

    assert.notEqual(victim.cookie('st_session'), attacker.cookie('st_session'));
    assert.equal((await victim.loadSession()).user.username, 'janedoe');
    assert.deepEqual(
      await attacker.loadSession(),
      { signedIn: false },
      "the attacker's session is gone",
    );
    const victims = (await listDelegations(victim)).items.find(
      (item) => item.thisBrowser && item.clientId === 'www',
    )!;
    assert.ok(victims, "the victim's new delegation");

    // Signing in again on the shared device gives the attacker his own session, never the victim's tokens.
    await signInAs(stack, LARS, 'www', attacker);
    for (const action of ['refresh', 'introspect']) {
      const response = await attacker.api('POST', `/api/delegations/${victims.id}/${action}`);
      assert.equal(response.status, 404, action);
    }
  });

  test('replayed code with a fresh state fails', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    assert.equal((await browser.fetch(callbackUrl)).headers.get('location'), '/');
    const code = callbackUrl.searchParams.get('code')!;

    const replayer = new TestBrowser(stack.trackerUrl);
    const second = await startLogin(replayer, 'www');
    const replay = new URL(`${stack.trackerUrl}/auth/callback`);
    replay.searchParams.set('code', code);
    replay.searchParams.set('state', new URL(second.authorizationUrl).searchParams.get('state')!);
    const response = await replayer.fetch(replay);

    assert.equal(response.headers.get('location'), '/?notice=login_failed');
    assert.deepEqual(await replayer.loadSession(), { signedIn: false });
  });

  test('replayed callback in another browser fails', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    assert.equal((await browser.fetch(callbackUrl)).headers.get('location'), '/');

    const thief = new TestBrowser(stack.trackerUrl);
    await thief.api('POST', '/api/login', { body: { clientId: 'www' }, csrf: 'pre-session' });
    const response = await thief.fetch(callbackUrl);

    assert.equal(response.headers.get('location'), '/?notice=login_expired');
    assert.deepEqual(await thief.loadSession(), { signedIn: false });
  });
});
