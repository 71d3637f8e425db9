import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, TestBrowser, TEST_USER_AGENTS, type Stack } from '../helpers/stack.ts';
import { JANE, LARS, listDelegations, onlyOfClient, readNdjson, signInAs } from './accounts.ts';

describe('older Curity SCIM shape', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ idp: { scimLegacyShape: true } });
  });

  after(async () => {
    await stack.close();
  });

  test('lists, refreshes and revokes', async () => {
    const chrome = await signInAs(stack, JANE, 'www');
    const firefox = await signInAs(
      stack,
      JANE,
      'www2',
      new TestBrowser(stack.trackerUrl, TEST_USER_AGENTS.firefoxWindows),
    );
    const lars = await signInAs(stack, LARS, 'www');

    const page = await listDelegations(chrome);
    assert.equal(page.totalResults, 2);
    assert.ok(page.items.every((item) => item.owner === 'janedoe'));
    const own = onlyOfClient(page, 'www');
    assert.equal(own.thisBrowser, true);
    assert.equal(onlyOfClient(page, 'www2').thisBrowser, false);
    assert.ok(own.expires, 'expiry read from exp');

    const refresh = await chrome.api('POST', `/api/delegations/${own.id}/refresh`);
    assert.equal(refresh.status, 200);

    const foreign = await lars.api('DELETE', `/api/delegations/${own.id}`);
    assert.equal(foreign.status, 404);

    const revoke = await chrome.api('DELETE', `/api/delegations/${own.id}`);
    assert.deepEqual(await revoke.json(), { result: 'revoked' });
    assert.equal((await listDelegations(firefox)).totalResults, 1);
  });

  test('revoke-all pages through', async () => {
    const browser = await signInAs(stack, LARS, 'www2');
    const response = await browser.api('POST', '/api/revoke-all');
    const lines = await readNdjson(response);
    const end = lines.at(-1)!;
    assert.equal(end.type, 'end');
    assert.equal(end.revoked, 2);
    assert.deepEqual(end.failed, []);
    assert.ok(end.logoutUrl);
  });
});
