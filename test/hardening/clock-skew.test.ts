import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { followToCallback, signIn as signInAt, startLogin, TestBrowser } from '../helpers/stack.ts';
import { JANE, listDelegations } from '../tracker/accounts.ts';
import { LogCapture } from '../tracker/fixtures.ts';
import { startSkewedStack, type SkewedStack } from './support/skewed-stack.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const signIn = (stack: SkewedStack): Promise<TestBrowser> =>
  signInAt(stack, { ...JANE, clientId: 'www' });

/** Signs in to the stack and returns the browser with the Location of the callback's response. */
async function callbackOf(
  stack: SkewedStack,
): Promise<{ browser: TestBrowser; location: string | null }> {
  const browser = new TestBrowser(stack.trackerUrl);
  const { authorizationUrl } = await startLogin(browser, 'www');
  const callbackUrl = await followToCallback(browser, new URL(authorizationUrl), JANE);
  const response = await browser.fetch(callbackUrl);
  return { browser, location: response.headers.get('location') };
}

for (const offsetMs of [20 * SECOND, -20 * SECOND]) {
  describe(`server clock ${offsetMs / SECOND} s off`, () => {
    let stack: SkewedStack;
    let browser: TestBrowser;

    before(async () => {
      stack = await startSkewedStack(offsetMs);
      browser = await signIn(stack);
    });

    after(async () => {
      await stack.close();
    });

    test('sign-in succeeds', async () => {
      assert.equal((await browser.loadSession()).signedIn, true);
    });

    test('refresh and introspection work', async () => {
      const own = (await listDelegations(browser)).items[0]!;
      const refresh = await browser.api('POST', `/api/delegations/${own.id}/refresh`);
      assert.equal(refresh.status, 200, await refresh.clone().text());
      for (const mode of ['json', 'jwt']) {
        const response = await browser.api('POST', `/api/delegations/${own.id}/introspect`, {
          body: { mode },
        });
        const body = await response.json();
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.equal(body.active, true, mode);
      }
    });
  });
}

describe('server clock behind with short-lived tokens', () => {
  let stack: SkewedStack;

  before(async () => {
    stack = await startSkewedStack(-20 * SECOND, { idp: { accessTokenTtlSeconds: 10 } });
  });

  after(async () => {
    await stack.close();
  });

  test('phantom tokens within the tolerance verify', async () => {
    const browser = await signIn(stack);
    const own = (await listDelegations(browser)).items[0]!;
    const response = await browser.api('POST', `/api/delegations/${own.id}/introspect`, {
      body: { mode: 'jwt' },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.verified, true);
  });
});

// A server more than its 10-minute sign-in lifetime behind sets cookies that browsers drop at
// once, so its own sign-in page fails before the tracker gets a token. -9 minutes is the most.
const LARGE_SKEWS: [number, RegExp][] = [
  [2 * 60 * MINUTE, /differ by about 2 hours \(the server's clock is ahead\)/],
  [10 * MINUTE, /differ by about 10 minutes \(the server's clock is ahead\)/],
  [-5 * MINUTE, /differ by about 5 minutes \(the server's clock is behind\)/],
  [-9 * MINUTE, /differ by about 9 minutes \(the server's clock is behind\)/],
];
for (const [offsetMs, message] of LARGE_SKEWS) {
  describe(`server clock ${offsetMs / MINUTE} min off`, () => {
    let stack: SkewedStack;
    const logs = new LogCapture();

    before(async () => {
      stack = await startSkewedStack(offsetMs, {}, { logDestination: logs });
    });

    after(async () => {
      await stack.close();
    });

    test('sign-in ends with the clock_skew notice', async () => {
      const { browser, location } = await callbackOf(stack);
      assert.equal(location, '/?notice=clock_skew');
      assert.deepEqual(await browser.loadSession(), { signedIn: false });
    });

    test('the log names the difference and the fix', () => {
      const failure = logs.lines().find((line) => line.msg === 'sign-in failed');
      const error = failure?.error as { errorCode?: string; message?: string } | undefined;
      assert.equal(error?.errorCode, 'clock_skew');
      assert.match(error?.message ?? '', message);
      assert.match(
        error?.message ?? '',
        /Synchronise both clocks, for example with NTP; up to 60 seconds are tolerated\./,
      );
    });
  });
}
