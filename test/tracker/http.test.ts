import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { buildTrackerApp } from '../../src/tracker/app.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/tracker/http/security-headers.ts';
import { LogCapture, preSessionHeaders, startLoneTracker, type LoneTracker } from './fixtures.ts';
import { createLogger } from '../../src/shared/logger.ts';

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

describe('tracker HTTP basics', () => {
  let lone: LoneTracker;
  let webRoot: string;

  before(async () => {
    lone = await startLoneTracker();
    webRoot = mkdtempSync(join(tmpdir(), 'session-tracker-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><title>Session Tracker test UI</title>',
    );
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log("ui")');
  });

  after(async () => {
    await lone.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  test('CSP constant is the strict policy', () => {
    assert.equal(CONTENT_SECURITY_POLICY, EXPECTED_CSP);
  });

  test('security headers on every response', async () => {
    const requests: [string, RequestInit][] = [
      ['/healthz', {}],
      ['/api/session', {}],
      ['/api/no-such-route', {}],
      ['/auth/logged-out', { redirect: 'manual' }],
      [
        '/api/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"clientId":"www"}',
        },
      ],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${lone.url}${path}`, init);
      assert.equal(response.headers.get('content-security-policy'), EXPECTED_CSP, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(
        response.headers.get('strict-transport-security'),
        null,
        `${path}: no HSTS over plain HTTP`,
      );
    }
  });

  test('no-store on every api and auth response', async () => {
    for (const path of [
      '/api/session',
      '/api/config',
      '/api/no-such-route',
      '/auth/logged-out',
      '/auth/callback?state=x',
    ]) {
      const response = await fetch(`${lone.url}${path}`, { redirect: 'manual' });
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
    }
  });

  test('healthz returns ok', async () => {
    const response = await fetch(`${lone.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
  });

  test('config lists the clients', async () => {
    const body = await (await fetch(`${lone.url}/api/config`)).json();
    assert.deepEqual(body.clients, [
      { id: 'www', label: 'Web shop (www)' },
      { id: 'www2', label: 'Partner portal (www2)' },
    ]);
    assert.equal(body.introspectionMode, 'json');
    assert.equal(body.pollIntervalSeconds, 30);
  });

  test('session without cookie is signed out', async () => {
    const response = await fetch(`${lone.url}/api/session`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { signedIn: false });
  });

  test('unknown api route is a JSON 404', async () => {
    const response = await fetch(`${lone.url}/api/no-such-route?token=secret`);
    assert.equal(response.status, 404);
    const body = await response.json();
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /GET \/api\/no-such-route\./);
    assert.doesNotMatch(body.error.message, /secret/);
  });

  test('delegations need a session', async () => {
    const response = await fetch(`${lone.url}/api/delegations`);
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error.code, 'not_signed_in');
  });

  test('logged-out redirects with a notice', async () => {
    const response = await fetch(`${lone.url}/auth/logged-out`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/?notice=logged_out');
  });

  test('callback without or with unknown state', async () => {
    for (const query of ['', '?code=abc', '?code=abc&state=unknown-state']) {
      const response = await fetch(`${lone.url}/auth/callback${query}`, { redirect: 'manual' });
      assert.equal(response.status, 303, query);
      assert.equal(response.headers.get('location'), '/?notice=login_expired', query);
    }
  });

  test('validation errors name the field', async () => {
    const cases: [string, RegExp][] = [
      ['/api/delegations?count=0', /"count": must be >= 1/],
      ['/api/delegations?count=201', /"count": must be <= 200/],
      ['/api/delegations?startIndex=0', /"startIndex": must be >= 1/],
      ['/api/delegations?count=many', /"count": must be integer/],
    ];
    for (const [path, message] of cases) {
      const response = await fetch(`${lone.url}${path}`);
      assert.equal(response.status, 400, path);
      const body = await response.json();
      assert.equal(body.error.code, 'invalid_request', path);
      assert.match(body.error.message, message, path);
    }

    const missing = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: preSessionHeaders(lone.url),
      body: '{}',
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), {
      error: { code: 'invalid_request', message: 'Missing body field "clientId".' },
    });
  });

  test('malformed and non-JSON bodies', async () => {
    const malformed = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: preSessionHeaders(lone.url),
      body: '{"clientId":',
    });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).error.code, 'invalid_request');

    const text = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: { ...preSessionHeaders(lone.url), 'content-type': 'text/plain' },
      body: 'clientId=www',
    });
    assert.equal(text.status, 415);
    assert.equal((await text.json()).error.code, 'unsupported_media_type');
  });

  test('login rejects an unknown client', async () => {
    const response = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: preSessionHeaders(lone.url),
      body: JSON.stringify({ clientId: 'evil' }),
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.code, 'unknown_client');
    assert.match(body.error.message, /"evil"/);
  });

  test('login CSRF checks fail closed', async () => {
    const login = (headers: Record<string, string>) =>
      fetch(`${lone.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"clientId":"nobody"}',
      });
    const rejected: [string, Record<string, string>][] = [
      ['no Origin and no Sec-Fetch-Site', { 'x-csrf-token': 'pre-session' }],
      ['foreign Origin', { origin: 'https://attacker.example', 'x-csrf-token': 'pre-session' }],
      ['Origin null', { origin: 'null', 'x-csrf-token': 'pre-session' }],
      ['cross-site fetch', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': 'pre-session' }],
      ['missing token', { origin: lone.url }],
      ['wrong token', { origin: lone.url, 'x-csrf-token': 'guess' }],
    ];
    for (const [name, headers] of rejected) {
      const response = await login(headers);
      assert.equal(response.status, 403, name);
      assert.equal((await response.json()).error.code, 'csrf_rejected', name);
    }

    // Past the CSRF check, the unknown client is what fails.
    const sameOrigin = await login({
      'sec-fetch-site': 'same-origin',
      'x-csrf-token': 'pre-session',
    });
    assert.equal(sameOrigin.status, 400);
    assert.equal((await sameOrigin.json()).error.code, 'unknown_client');
  });

  test('authorization server down gives 503', async () => {
    const response = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: preSessionHeaders(lone.url),
      body: JSON.stringify({ clientId: 'www' }),
    });
    assert.equal(response.status, 503);
    const body = await response.json();
    assert.equal(body.error.code, 'as_unreachable');
    assert.match(body.error.message, /cannot be reached/);
    assert.doesNotMatch(JSON.stringify(body), /at .+\.ts:\d+/, 'no stack trace');
  });

  test('client routes get the UI', async () => {
    const app = await buildTrackerApp({ ...lone.tracker.context, webRoot });
    try {
      for (const path of ['/', '/admin', '/admin/users/janedoe']) {
        const response = await app.inject({ method: 'GET', url: path });
        assert.equal(response.statusCode, 200, path);
        assert.match(response.body, /Session Tracker test UI/, path);
        assert.equal(response.headers['content-security-policy'], EXPECTED_CSP, path);
      }
      const script = await app.inject({ method: 'GET', url: '/assets/app.js' });
      assert.equal(script.statusCode, 200);
      assert.match(String(script.headers['content-type']), /javascript/);

      const api = await app.inject({ method: 'GET', url: '/api/unknown' });
      assert.equal(api.statusCode, 404);
      assert.equal(api.json().error.code, 'not_found');

      const post = await app.inject({ method: 'POST', url: '/somewhere' });
      assert.equal(post.statusCode, 404);
      assert.equal(post.json().error.code, 'not_found');
    } finally {
      await app.close();
    }
  });

  test('missing UI bundle explains the fix', async () => {
    const app = await buildTrackerApp({
      ...lone.tracker.context,
      webRoot: join(webRoot, 'missing'),
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/' });
      assert.equal(response.statusCode, 503);
      assert.match(String(response.headers['content-type']), /text\/html/);
      assert.match(response.body, /npm run build:web/);
    } finally {
      await app.close();
    }
  });

  test('unexpected error is a generic 500', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'session-tracker-closed-store-'));
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info' }, logs);
    const store = await openStore({
      dataDir: folder,
      secret: lone.config.tracker.cookieSecret,
      logger,
    });
    await store.close();
    const app = await buildTrackerApp({ ...lone.tracker.context, store, logger });
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/session',
        cookies: { st_session: 'any-value' },
      });
      assert.equal(response.statusCode, 500);
      const body = response.json();
      assert.equal(body.error.code, 'internal_error');
      assert.match(body.error.message, /Something went wrong on our side/);
      assert.doesNotMatch(response.body, /database|sqlite|closed/i, 'no internal error message');

      const failure = logs.lines().find((line) => line.msg === 'request failed');
      assert.ok(failure, 'the error is logged');
      assert.equal(
        failure.requestId,
        response.headers['x-request-id'],
        'the log line has the response request id',
      );
      assert.ok((failure.error as { stack?: string }).stack, 'the log has the stack');
    } finally {
      await app.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('tracker behind HTTPS', () => {
  let lone: LoneTracker;

  before(async () => {
    lone = await startLoneTracker({ tracker: { publicUrl: 'https://tracker.localhost:8443' } });
  });

  after(async () => {
    await lone.close();
  });

  test('HSTS when the public URL is https', async () => {
    const response = await fetch(`${lone.url}/healthz`);
    assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000');
  });

  test('device cookie is Secure over https', async () => {
    const response = await fetch(`${lone.url}/api/login`, {
      method: 'POST',
      headers: preSessionHeaders('https://tracker.localhost:8443'),
      body: JSON.stringify({ clientId: 'nobody' }),
    });
    assert.equal(response.status, 400);
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('st_device='));
    assert.ok(cookie, 'device cookie set');
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=34560000/);
  });
});
