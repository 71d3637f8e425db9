import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTrackerApp } from '../../src/tracker/app.ts';
import { isRedirect, parseForm } from '../helpers/test-browser.ts';
import {
  followToCallback,
  startLogin,
  startStack,
  TestBrowser,
  type Stack,
} from '../helpers/stack.ts';
import { JANE, signInAs } from '../tracker/accounts.ts';
import { listRoutes } from './support/routes.ts';

/** What a test needs of one response the browser received. */
interface Seen {
  url: URL;
  status: number;
  location: string | null;
  setCookies: string[];
  contentType: string;
  csp: string | null;
  frameOptions: string | null;
}

/** A TestBrowser that keeps every response it receives, for checks over whole flows. */
class RecordingBrowser extends TestBrowser {
  readonly seen: Seen[] = [];

  override async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const response = await super.fetch(url, init);
    this.seen.push({
      url: new URL(url, this.trackerUrl),
      status: response.status,
      location: response.headers.get('location'),
      setCookies: response.headers.getSetCookie(),
      contentType: response.headers.get('content-type') ?? '',
      csp: response.headers.get('content-security-policy'),
      frameOptions: response.headers.get('x-frame-options'),
    });
    return response;
  }
}

const ATTACKER = 'https://attacker.example';

/** Query parameters that web applications commonly read a return URL from. */
const RETURN_PARAMETERS = [
  'next',
  'return_to',
  'returnTo',
  'redirect',
  'redirect_uri',
  'url',
  'continue',
  'goto',
  'target',
];

/** Values that lead a browser off-site when a redirect copies them into Location. */
const OFFSITE_VALUES = [
  `${ATTACKER}/`,
  '//attacker.example/',
  '/\\attacker.example/',
  '\\\\attacker.example',
  'https:attacker.example',
  'javascript:alert(1)',
  ' https://attacker.example',
];

/** Paths that some static file servers redirect to a scheme-relative or backslash URL. */
const TRICKY_PATHS = [
  '//attacker.example',
  '//attacker.example/%2e%2e',
  '/%2F%2Fattacker.example',
  '/\\attacker.example',
  '/.%2E/attacker',
  '/assets/..%2F..%2F',
];

describe('redirects, framing and cookies', () => {
  let stack: Stack;
  let httpsStack: Stack;
  /** Origins a redirect may lead to: the tracker and the embedded server. */
  let allowedOrigins: Set<string>;

  before(async () => {
    stack = await startStack();
    httpsStack = await startStack({}, { httpsPublicUrl: true });
    allowedOrigins = new Set([new URL(stack.trackerUrl).origin, new URL(stack.idpUrl).origin]);
  });

  after(async () => {
    await stack.close();
    await httpsStack.close();
  });

  /** Asserts that a redirect stays on the tracker or the embedded server. */
  const assertStaysHome = (seen: Seen, where: string) => {
    if (!isRedirect(seen.status)) return;
    const location = seen.location ?? '';
    assert.doesNotMatch(
      location,
      /^\s*(\/\/|\/\\|\\|javascript:)/i,
      `${where}: Location ${location}`,
    );
    const target = new URL(location, seen.url);
    assert.ok(allowedOrigins.has(target.origin), `${where}: Location ${location} leaves the site`);
  };

  /** Runs a whole sign-in, an API call and a logout through the server's pages. */
  const fullFlow = async (target: Stack): Promise<RecordingBrowser> => {
    const browser = new RecordingBrowser(target.trackerUrl, undefined, {
      listenUrl: target.tracker.url,
    });
    await signInAs(target, JANE, 'www', browser);
    await browser.api('GET', '/api/delegations');
    const { logoutUrl } = await (await browser.api('POST', '/api/logout')).json();
    let { response, url } = await browser.navigate(logoutUrl);
    const form = parseForm(await response.text(), url);
    if (form) {
      ({ response, url } = await browser.navigate(form.action, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: form.action.origin,
        },
        body: new URLSearchParams({ ...form.fields, logout: 'yes' }).toString(),
      }));
    }
    assert.equal(url.pathname, '/', 'the logout ends on the tracker');
    return browser;
  };

  test('no tracker GET route redirects off-site', async () => {
    const app = await buildTrackerApp(stack.tracker.context);
    await app.ready();
    const routes = listRoutes(app).filter((route) => route.method === 'GET');
    await app.close();
    const signedIn = new RecordingBrowser(stack.trackerUrl);
    await signInAs(stack, JANE, 'www', signedIn);
    const anonymous = new RecordingBrowser(stack.trackerUrl);

    for (const route of routes) {
      if (route.path === '/api/events') continue;
      const path = route.path.replace(':username', 'janedoe').replace('*', 'dashboard');
      for (const value of OFFSITE_VALUES) {
        const query = new URLSearchParams(RETURN_PARAMETERS.map((name) => [name, value]));
        query.set('state', 'x');
        query.set('code', 'y');
        for (const browser of [signedIn, anonymous]) {
          const response = await browser.fetch(`${path}?${query}`);
          await response.arrayBuffer();
          assertStaysHome(browser.seen.at(-1)!, `GET ${path}?${query}`);
        }
      }
    }
    assert.ok(
      routes.some((route) => route.path === '/auth/callback'),
      'the callback was checked',
    );
  });

  test('tricky paths never redirect off-site', async () => {
    const browser = new RecordingBrowser(stack.trackerUrl);
    for (const path of TRICKY_PATHS) {
      const response = await browser.fetch(`${stack.tracker.url}${path}`);
      await response.arrayBuffer();
      assertStaysHome(browser.seen.at(-1)!, path);
    }
  });

  test('sign-in and logout stay on the two servers', async () => {
    const browser = await fullFlow(stack);
    const redirects = browser.seen.filter((seen) => isRedirect(seen.status));
    assert.ok(redirects.length >= 3, 'the flow redirected');
    for (const seen of redirects) assertStaysHome(seen, `${seen.url.pathname}`);

    const toTracker = redirects.filter(
      (seen) => new URL(seen.location!, seen.url).origin === new URL(stack.trackerUrl).origin,
    );
    for (const seen of toTracker) {
      const path = new URL(seen.location!, seen.url).pathname;
      assert.ok(['/auth/callback', '/auth/logged-out', '/'].includes(path), `redirect to ${path}`);
    }
  });

  test('authorization rejects foreign redirect URIs', async () => {
    const tracker = new URL(stack.trackerUrl);
    const candidates = [
      `${ATTACKER}/auth/callback`,
      `${stack.trackerUrl}/auth/callback/../../evil`,
      `${stack.trackerUrl}/auth/callback?next=${ATTACKER}`,
      `${stack.trackerUrl}/auth/callback#${ATTACKER}`,
      `http://${tracker.host}.attacker.example/auth/callback`,
      `http://${tracker.host}@attacker.example/auth/callback`,
      `//attacker.example/auth/callback`,
    ];
    const browser = new RecordingBrowser(stack.trackerUrl);
    for (const redirectUri of candidates) {
      const { authorizationUrl } = await startLogin(browser, 'www');
      const url = new URL(authorizationUrl);
      url.searchParams.set('redirect_uri', redirectUri);
      const response = await browser.fetch(url);
      await response.arrayBuffer();
      assert.equal(response.status, 400, redirectUri);
      assertStaysHome(browser.seen.at(-1)!, redirectUri);
    }
  });

  test('logout endpoints reject foreign targets', async () => {
    const browser = new RecordingBrowser(stack.trackerUrl);
    const targets = [
      `${ATTACKER}/`,
      `${stack.trackerUrl}.attacker.example/`,
      `${stack.trackerUrl}@attacker.example/`,
      '//attacker.example/',
    ];
    for (const target of targets) {
      const endSession = new URL(`${stack.idpUrl}/oauth/v2/oauth-session/logout`);
      endSession.searchParams.set('client_id', 'www');
      endSession.searchParams.set('post_logout_redirect_uri', target);
      const curity = new URL(`${stack.idpUrl}/authentication/logout`);
      curity.searchParams.set('redirect_uri', target);

      for (const url of [endSession, curity]) {
        const response = await browser.fetch(url);
        await response.arrayBuffer();
        assert.equal(response.status, 400, `${url.pathname} ${target}`);
        assertStaysHome(browser.seen.at(-1)!, `${url.pathname} ${target}`);
      }
    }
  });

  test('every HTML page forbids framing', async () => {
    const browser = await fullFlow(stack);
    const probe = new RecordingBrowser(stack.trackerUrl);
    const extraPages = [
      `${stack.trackerUrl}/`,
      `${stack.trackerUrl}/admin`,
      `${stack.idpUrl}/authentication/login/unknown-interaction`,
      `${stack.idpUrl}/authentication/logout`,
      `${stack.idpUrl}/no-such-page`,
      `${stack.idpUrl}/oauth/v2/oauth-authorize?client_id=nobody&response_type=code`,
    ];
    for (const page of extraPages) await (await probe.fetch(page)).arrayBuffer();

    const pages = [...browser.seen, ...probe.seen].filter((seen) =>
      seen.contentType.startsWith('text/html'),
    );
    assert.ok(pages.length >= extraPages.length + 2, `${pages.length} HTML pages checked`);
    for (const page of pages) {
      const where = `${page.status} ${page.url.origin}${page.url.pathname}`;
      assert.match(page.csp ?? '', /frame-ancestors 'none'/, where);
      assert.equal(page.frameOptions, 'DENY', where);
    }
  });

  test('every tracker response forbids framing', async () => {
    const browser = await fullFlow(stack);
    const trackerResponses = browser.seen.filter(
      (seen) => seen.url.origin === new URL(stack.trackerUrl).origin,
    );
    assert.ok(trackerResponses.length > 3);
    for (const seen of trackerResponses) {
      assert.equal(seen.frameOptions, 'DENY', seen.url.pathname);
      assert.match(seen.csp ?? '', /frame-ancestors 'none'/, seen.url.pathname);
    }
  });

  test('cookies carry their flags over HTTP', async () => {
    const browser = await fullFlow(stack);
    const cookies = browser.seen.flatMap((seen) =>
      seen.setCookies.map((cookie) => ({ cookie, seen })),
    );
    const names = new Set(cookies.map(({ cookie }) => cookie.split('=')[0]));
    for (const name of ['st_session', 'st_device', '_session', '_interaction'])
      assert.ok(names.has(name), `${name} was set`);

    for (const { cookie, seen } of cookies) {
      const where = `${seen.url.origin} ${cookie.split(';')[0]!.split('=')[0]}`;
      assert.match(cookie, /;\s*httponly/i, `${where}: HttpOnly`);
      assert.match(cookie, /;\s*samesite=(lax|strict)/i, `${where}: SameSite`);
      assert.match(cookie, /;\s*path=\//i, `${where}: Path`);
    }
  });

  test('tracker cookies are Secure over HTTPS', async () => {
    const browser = new RecordingBrowser(httpsStack.trackerUrl, undefined, {
      listenUrl: httpsStack.tracker.url,
    });
    await signInAs(httpsStack, JANE, 'www', browser);
    await browser.api('POST', '/api/logout');

    const trackerCookies = browser.seen
      .filter((seen) => seen.url.origin === new URL(httpsStack.trackerUrl).origin)
      .flatMap((seen) => seen.setCookies);
    assert.ok(
      trackerCookies.some((cookie) => cookie.startsWith('__Host-st_session=')),
      'the session cookie is __Host-',
    );
    assert.ok(
      !trackerCookies.some((cookie) => cookie.startsWith('st_session=')),
      'no session cookie without the prefix',
    );
    for (const cookie of trackerCookies) {
      const name = cookie.split('=')[0];
      assert.match(cookie, /;\s*secure/i, `${name}: Secure`);
      assert.match(cookie, /;\s*httponly/i, `${name}: HttpOnly`);
      assert.match(cookie, /;\s*samesite=lax/i, `${name}: SameSite`);
      assert.doesNotMatch(cookie, /;\s*domain=/i, `${name}: no Domain`);
    }
  });

  test('callback code and state stay out of redirects', async () => {
    const browser = new RecordingBrowser(stack.trackerUrl);
    const { authorizationUrl } = await startLogin(browser, 'www');
    const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
    const response = await browser.fetch(callbackUrl);
    assert.equal(response.headers.get('location'), '/');
    assert.equal(
      response.headers.get('referrer-policy'),
      'no-referrer',
      'the callback URL is not sent on as a Referer',
    );
  });
});
