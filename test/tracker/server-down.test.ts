import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack, type TestBrowser } from '../helpers/stack.ts';
import {
  JANE,
  listDelegations,
  onlyOfClient,
  signInAs,
  type ListedDelegation,
} from './accounts.ts';

describe('authorization server down', () => {
  let stack: Stack;
  let browser: TestBrowser;
  let delegation: ListedDelegation;

  before(async () => {
    stack = await startStack({ authServer: { requestTimeoutMs: 2000 } });
    browser = await signInAs(stack, JANE, 'www');
    delegation = onlyOfClient(await listDelegations(browser), 'www');
    await stack.stopIdp();
  });

  after(async () => {
    await stack.close();
  });

  test('every server call gives a clear 503', async () => {
    const calls: [string, string][] = [
      ['GET', '/api/delegations'],
      ['POST', `/api/delegations/${delegation.id}/refresh`],
      ['POST', `/api/delegations/${delegation.id}/introspect`],
      ['DELETE', `/api/delegations/${delegation.id}`],
      ['POST', '/api/revoke-all'],
    ];
    for (const [method, path] of calls) {
      const response = await browser.api(method, path);
      assert.equal(response.status, 503, `${method} ${path}`);
      assert.match(
        response.headers.get('content-type') ?? '',
        /application\/json/,
        `${method} ${path}`,
      );
      const body = await response.json();
      assert.equal(body.error.code, 'as_unreachable', `${method} ${path}`);
      assert.match(body.error.message, /cannot be reached/, `${method} ${path}`);
      assert.doesNotMatch(body.error.message, /\n\s+at /, `${method} ${path}: no stack`);
    }
  });

  test('the session survives the outage', async () => {
    const session = await browser.loadSession();
    assert.equal(session.signedIn, true);
  });

  test('logout still ends the local session', async () => {
    const response = await browser.api('POST', '/api/logout');
    assert.equal(response.status, 200);
    assert.ok((await response.json()).logoutUrl);
    assert.deepEqual(await browser.loadSession(), { signedIn: false });
  });
});

describe('slow authorization server', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ idp: { scimDelayMs: 2000 }, authServer: { requestTimeoutMs: 300 } });
  });

  after(async () => {
    await stack.close();
  });

  test('SCIM calls time out with 504', async () => {
    const browser = await signInAs(stack, JANE, 'www');
    const response = await browser.api('GET', '/api/delegations');
    assert.equal(response.status, 504);
    const body = await response.json();
    assert.equal(body.error.code, 'as_timeout');
    assert.match(body.error.message, /did not respond within \d+ ms/);
  });
});
