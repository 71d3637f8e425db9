import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForm } from '../helpers/test-browser.ts';
import { startLogin, startStack, TestBrowser, type Stack } from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import { ADMIN, JANE, LARS, listDelegations, onlyOfClient, signInAs } from '../tracker/accounts.ts';
import { rawRequest, type RawResponse } from './support/raw-http.ts';

/** Ids with every character that means something in a URL, a SCIM filter or a shell. */
const ODD_IDS = [
  'a/b',
  'a?b',
  'a#b',
  '%',
  '%2F',
  'a+b',
  'a:b',
  'a&b=c',
  'a b',
  ' ',
  'a"b',
  "a'b",
  'a\\b',
  'a;b',
  '<script>',
  'jürgen',
  '日本',
  '🙂',
  '..',
  '.',
  'x'.repeat(512),
];

/** Codes a rejected id may get: never 500, never another user's delegation. */
const ID_REJECTIONS = new Set([
  'delegation_not_found',
  'invalid_request',
  'invalid_delegation_id',
  'not_found',
]);

const NON_ASCII_USERNAMES = ['jürgen', 'Åsa', 'Ñoño', '日本語', 'Ελένη', 'a\u0308', '🙂'];

/** Values that would widen a SCIM filter if they were pasted into it unescaped. */
const FILTER_INJECTIONS = [
  'x" or owner pr or "',
  'janedoe" or "1" eq "1',
  'janedoe\\',
  '\\"',
  'janedoe\\" or owner pr or \\"',
  'x") or (owner pr',
  "janedoe' or '1'='1",
];

/** Headers that make a raw request come from `browser`, as the UI sends it. */
function browserHeaders(stack: Stack, browser: TestBrowser): Record<string, string> {
  return {
    origin: stack.trackerUrl,
    'x-csrf-token': browser.csrfToken!,
    cookie: browser.jar.headerFor(new URL(stack.trackerUrl))!,
    'content-type': 'application/json',
  };
}

function errorOf(response: RawResponse): { code: string; message: string } {
  assert.match(String(response.headers['content-type']), /^application\/json/, response.body);
  return (JSON.parse(response.body) as { error: { code: string; message: string } }).error;
}

describe('bad input to the tracker', () => {
  let stack: Stack;
  let jane: TestBrowser;
  let lars: TestBrowser;
  let admin: TestBrowser;
  let oracle: DelegationOracle;
  let issuedAtStart: { jane: number; lars: number };

  const issued = (owner: string) => oracle.count('owner = ? AND status = ?', owner, 'issued');
  const send = (browser: TestBrowser, method: string, path: string, body?: string) =>
    rawRequest(stack.tracker.url, { method, path, headers: browserHeaders(stack, browser), body });

  before(async () => {
    stack = await startStack();
    jane = await signInAs(stack, JANE, 'www');
    lars = await signInAs(stack, LARS, 'www');
    admin = await signInAs(stack, ADMIN, 'www');
    oracle = new DelegationOracle(stack);
    issuedAtStart = { jane: issued('janedoe'), lars: issued('larseriksson') };
  });

  after(async () => {
    oracle.close();
    await stack.close();
  });

  test('odd delegation ids get a 4xx', async () => {
    for (const id of ODD_IDS) {
      const encoded = encodeURIComponent(id);
      const calls: [TestBrowser, string, string][] = [
        [jane, 'POST', `/api/delegations/${encoded}/refresh`],
        [jane, 'POST', `/api/delegations/${encoded}/introspect`],
        [jane, 'DELETE', `/api/delegations/${encoded}`],
        [admin, 'DELETE', `/api/admin/delegations/${encoded}`],
      ];
      for (const [browser, method, path] of calls) {
        const response = await send(browser, method, path);
        const where = `${method} ${path.slice(0, 80)}: ${response.body}`;
        // An id no user has is already revoked for an administrator: the server has nothing to end.
        if (browser === admin && response.status === 200) {
          assert.deepEqual(JSON.parse(response.body), { result: 'already-revoked' }, where);
          continue;
        }
        assert.ok(response.status >= 400, where);
        assert.ok(response.status < 500, where);
        assert.ok(ID_REJECTIONS.has(errorOf(response).code), where);
      }
    }
  });

  test('malformed paths are invalid_request', async () => {
    for (const path of [
      '/api/delegations/%/refresh',
      '/api/delegations/%zz',
      '/api/delegations/%C0%AF/introspect',
      '/api/admin/users/%E0%A4%A',
    ]) {
      const response = await send(
        path.includes('admin') ? admin : jane,
        path.endsWith('zz') ? 'DELETE' : path.includes('users') ? 'GET' : 'POST',
        path,
      );
      assert.equal(response.status, 400, path);
      assert.deepEqual(errorOf(response), {
        code: 'invalid_request',
        message:
          'The request path is not a valid URL: it contains a malformed percent-encoding. Write a literal % as %25.',
      });
      assert.equal(response.headers['x-frame-options'], 'DENY', `${path}: security headers`);
      assert.equal(response.headers['cache-control'], 'no-store', `${path}: no-store`);
    }
  });

  test('too long ids are uri_too_long', async () => {
    const accepted = await send(jane, 'DELETE', `/api/delegations/${'x'.repeat(512)}`);
    assert.equal(errorOf(accepted).code, 'delegation_not_found', '512 characters are accepted');

    const response = await send(jane, 'DELETE', `/api/delegations/${'x'.repeat(513)}`);
    assert.equal(response.status, 414);
    assert.equal(errorOf(response).code, 'uri_too_long');
    assert.match(errorOf(response).message, /longer than 512 characters/);
  });

  test('odd client ids at sign-in', async () => {
    for (const clientId of [...ODD_IDS.slice(0, -1), 'www ', 'WWW', 'www\u0000']) {
      const browser = new TestBrowser(stack.trackerUrl);
      const response = await browser.api('POST', '/api/login', {
        body: { clientId },
        csrf: 'pre-session',
      });
      const body = await response.json();
      assert.equal(response.status, 400, clientId);
      assert.equal(body.error.code, 'unknown_client', clientId);
      assert.ok(
        body.error.message.includes(`"${clientId}"`),
        `the message names ${JSON.stringify(clientId)}`,
      );
    }
  });

  test('client ids of the wrong type or size', async () => {
    // Fastify's Ajv coerces scalars to the schema's type, so 42 is the unknown client "42".
    const cases: [unknown, string, RegExp][] = [
      [
        { clientId: 'x'.repeat(201) },
        'invalid_request',
        /"clientId": must NOT have more than 200 characters/,
      ],
      [{ clientId: '' }, 'invalid_request', /"clientId": must NOT have fewer than 1 characters/],
      [{ clientId: null }, 'invalid_request', /"clientId": must NOT have fewer than 1 characters/],
      [{ clientId: { id: 'www' } }, 'invalid_request', /"clientId": must be string/],
      [{ clientId: 42 }, 'unknown_client', /Unknown application "42"/],
      [{}, 'invalid_request', /Missing body field "clientId"/],
      [['www'], 'invalid_request', /"body": must be object/],
      ['www', 'invalid_request', /"body": must be object/],
    ];
    for (const [body, code, message] of cases) {
      const response = await new TestBrowser(stack.trackerUrl).api('POST', '/api/login', {
        body,
        csrf: 'pre-session',
      });
      const error = (await response.json()).error;
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(error.code, code, JSON.stringify(body));
      assert.match(error.message, message, JSON.stringify(body));
    }
  });

  test('non-ASCII usernames find nobody', async () => {
    for (const username of NON_ASCII_USERNAMES) {
      const detail = await admin.getJson(`/api/admin/users/${encodeURIComponent(username)}`);
      assert.equal(detail.username, username);
      assert.equal(detail.total, 0, username);

      const page = await admin.getJson(
        `/api/admin/delegations?user=${encodeURIComponent(username)}`,
      );
      assert.equal(page.totalResults, 0, username);
      const prefix = await admin.getJson(
        `/api/admin/delegations?userPrefix=${encodeURIComponent(username)}`,
      );
      assert.equal(prefix.totalResults, 0, username);
    }
  });

  test('filter values are never injected', async () => {
    const all = (await admin.getJson('/api/admin/delegations?count=500')).totalResults;
    assert.ok(all >= 3);

    for (const value of FILTER_INJECTIONS) {
      for (const parameter of ['user', 'userPrefix', 'client']) {
        const query = `${parameter}=${encodeURIComponent(value)}`;
        const response = await admin.api('GET', `/api/admin/delegations?${query}`);
        assert.equal(response.status, 200, `${query}: ${await response.clone().text()}`);
        assert.equal((await response.json()).totalResults, 0, `${query} matched delegations`);
      }
      const detail = await admin.getJson(`/api/admin/users/${encodeURIComponent(value)}`);
      assert.equal(detail.total, 0, value);

      const dryRun = await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: value }, dryRun: true },
      });
      assert.equal((await dryRun.json()).total, 0, `bulk dry run for ${value}`);
    }
  });

  test('control characters in filters are rejected', async () => {
    for (const value of ['jane\ndoe', 'jane\u0000', 'a\tb', '\u007f']) {
      const response = await admin.api(
        'GET',
        `/api/admin/delegations?user=${encodeURIComponent(value)}`,
      );
      assert.equal(response.status, 400, JSON.stringify(value));
      const error = (await response.json()).error;
      assert.equal(error.code, 'invalid_request');
      assert.match(
        error.message,
        /^Invalid parameter "user": expected text of 1 to 256 characters without control characters/,
      );
    }
  });

  test('oversized bodies are payload_too_large', async () => {
    const body = JSON.stringify({ clientId: 'www', padding: 'x'.repeat(70 * 1024) });
    const response = await rawRequest(stack.tracker.url, {
      method: 'POST',
      path: '/api/login',
      headers: {
        origin: stack.trackerUrl,
        'x-csrf-token': 'pre-session',
        'content-type': 'application/json',
      },
      body,
    });
    assert.equal(response.status, 413);
    assert.deepEqual(errorOf(response), {
      code: 'payload_too_large',
      message: 'The request body is too large.',
    });

    const ids = Array.from({ length: 1001 }, (_, index) => `id-${index}`);
    const bulk = await admin.api('POST', '/api/admin/bulk-revoke', {
      body: { target: { ids }, dryRun: false },
    });
    assert.equal(bulk.status, 400);
    assert.match(
      (await bulk.json()).error.message,
      /"target\.ids" must be a list of 1 to 1000 SCIM ids/,
    );
  });

  test('oversized headers are headers_too_large', async () => {
    const response = await rawRequest(stack.tracker.url, {
      path: '/api/session',
      headers: { cookie: `st_session=${'a'.repeat(20 * 1024)}` },
    });
    assert.equal(response.status, 431);
    assert.deepEqual(errorOf(response), {
      code: 'headers_too_large',
      message:
        'The request headers are too large. Delete the cookies of this site and reload the page.',
    });
  });

  test('repeated and missing parameters', async () => {
    const cases: [TestBrowser, string, string, unknown, RegExp][] = [
      [jane, 'GET', '/api/delegations?count=1&count=2', undefined, /"count": must be integer/],
      [
        jane,
        'GET',
        '/api/delegations?startIndex=1&startIndex=1',
        undefined,
        /"startIndex": must be integer/,
      ],
      [
        admin,
        'GET',
        '/api/admin/delegations?user=a&user=b',
        undefined,
        /"user": expected a single value/,
      ],
      [
        admin,
        'GET',
        '/api/admin/audit?limit=1&limit=2',
        undefined,
        /"limit": expected a single value/,
      ],
      [admin, 'GET', '/api/admin/audit/export', undefined, /"format": expected csv or jsonl/],
      [
        admin,
        'GET',
        '/api/admin/audit/export?format=csv&format=jsonl',
        undefined,
        /"format": expected a single value/,
      ],
      [
        admin,
        'GET',
        '/api/admin/delegations?nickname=x',
        undefined,
        /Unknown parameter "nickname"/,
      ],
      [admin, 'POST', '/api/admin/bulk-revoke', {}, /"dryRun": expected true or false/],
      [admin, 'POST', '/api/admin/bulk-revoke', { dryRun: true }, /target must be an object/],
      [
        admin,
        'POST',
        '/api/admin/bulk-revoke',
        { target: {}, dryRun: true },
        /target needs "user", "client" \(or both\) or "ids"/,
      ],
      [
        jane,
        'POST',
        `/api/delegations/any/introspect`,
        { mode: { json: true } },
        /"mode": must be string/,
      ],
    ];
    for (const [browser, method, path, body, message] of cases) {
      const response = await browser.api(method, path, { body });
      const text = await response.text();
      assert.equal(response.status, 400, `${method} ${path}: ${text}`);
      const error = JSON.parse(text).error;
      assert.equal(error.code, 'invalid_request', path);
      assert.match(error.message, message, path);
    }
  });

  test('bad input leaves other users alone', async () => {
    assert.equal(issued('janedoe'), issuedAtStart.jane);
    assert.equal(issued('larseriksson'), issuedAtStart.lars);
    assert.equal((await lars.loadSession()).signedIn, true);
    const own = onlyOfClient(await listDelegations(lars), 'www');
    assert.equal(own.status, 'issued');
  });
});

describe('bad input to the embedded server', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack.close();
  });

  /** Opens the sign-in page of a new sign-in and returns its form. */
  const openLoginForm = async (browser: TestBrowser) => {
    const { authorizationUrl } = await startLogin(browser, 'www');
    const { response, url } = await browser.navigate(authorizationUrl);
    const form = parseForm(await response.text(), url);
    assert.ok(form, 'the sign-in page has a form');
    return form;
  };

  test('non-ASCII usernames are wrong credentials', async () => {
    for (const username of NON_ASCII_USERNAMES) {
      const browser = new TestBrowser(stack.trackerUrl);
      const form = await openLoginForm(browser);
      const response = await browser.fetch(form.action, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: form.action.origin,
        },
        body: new URLSearchParams({
          ...form.fields,
          username,
          password: 'jane-demo-pass',
        }).toString(),
      });
      assert.equal(response.status, 401, username);
      assert.match(await response.text(), /The username or password is incorrect/);
    }
  });

  test('oversized sign-in form is 413', async () => {
    const browser = new TestBrowser(stack.trackerUrl);
    const form = await openLoginForm(browser);
    const response = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: form.action.origin },
      body: new URLSearchParams({
        ...form.fields,
        username: 'janedoe',
        password: 'x'.repeat(9000),
      }).toString(),
    });
    assert.equal(response.status, 413);
    assert.match(await response.text(), /larger than 8192 bytes/);
  });

  test('repeated authorization parameters are 400', async () => {
    const query = 'client_id=www&client_id=www2&response_type=code&scope=openid';
    const response = await fetch(`${stack.idpUrl}/oauth/v2/oauth-authorize?${query}`, {
      redirect: 'manual',
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /client_id/);
  });

  test('oversized headers are 431', async () => {
    const response = await rawRequest(stack.idp.url, {
      path: '/authentication/logout',
      headers: { cookie: `_session=${'a'.repeat(20 * 1024)}` },
    });
    assert.equal(response.status, 431);
  });

  test('malformed SCIM paths are 4xx', async () => {
    for (const path of [
      '/um/admin/Delegations/%',
      '/um/admin/Delegations/%zz',
      '/um/admin/Delegations/a%2Fb',
      `/um/admin/Delegations/${'x'.repeat(5000)}`,
    ]) {
      const response = await rawRequest(stack.idp.url, {
        path,
        headers: { authorization: 'Bearer not-a-token' },
      });
      assert.ok(response.status >= 400, `${path.slice(0, 60)}: ${response.status}`);
      assert.ok(response.status < 500, `${path.slice(0, 60)}: ${response.status}`);
    }
  });
});
