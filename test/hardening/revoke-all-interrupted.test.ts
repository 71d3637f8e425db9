import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { seedDelegations } from '../../src/idp/seed.ts';
import type { AuditEntry } from '../../src/store/types.ts';
import type { TestBrowser } from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import {
  JANE,
  LARS,
  listDelegations,
  readNdjson,
  signInAs,
  type ListedDelegation,
} from '../tracker/accounts.ts';
import { startProxiedStack, type ProxiedStack } from './support/proxied-stack.ts';

interface EndLine {
  type: 'end';
  revoked: number;
  alreadyRevoked: number;
  failed: { id: string; delegationId: string; clientId: string; message: string }[];
  logoutUrl: string | null;
}

/** Extra delegations of the user besides the one signed in, so that a run has several to revoke. */
const SEEDED = 10;

describe('revoke-all interrupted', () => {
  let proxied: ProxiedStack;
  let oracle: DelegationOracle;

  const store = () => proxied.stack.tracker.context.store;

  /** Signs `account` in after seeding more delegations, and returns the browser with the full list. */
  const prepare = async (
    account: typeof JANE | typeof LARS,
  ): Promise<{ browser: TestBrowser; items: ListedDelegation[] }> => {
    await seedDelegations(proxied.stack.config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: account.username, count: SEEDED },
    });
    const browser = await signInAs(proxied.stack, account, 'www');
    const page = await listDelegations(browser, '?count=200');
    assert.equal(page.items.length, page.totalResults);
    return { browser, items: page.items };
  };

  const revokeAll = async (browser: TestBrowser): Promise<EndLine> => {
    const response = await browser.api('POST', '/api/revoke-all');
    assert.equal(response.status, 200, await response.clone().text());
    const lines = await readNdjson(response);
    assert.equal(lines[0]!.type, 'start');
    const end = lines.at(-1)! as EndLine;
    assert.equal(end.type, 'end', JSON.stringify(end));
    return end;
  };

  const stillIssued = (items: ListedDelegation[]) =>
    items
      .filter((item) => oracle.statusOf(item.delegationId) === 'issued')
      .map((item) => item.id)
      .sort();

  /** Audit entries of the user's revoke-all runs, by SCIM id. */
  const auditByScimId = async (owner: string): Promise<Map<string, AuditEntry[]>> => {
    const entries = await store().queryAudit({ owner, action: 'revoke-all', limit: 500 });
    const byId = new Map<string, AuditEntry[]>();
    for (const entry of entries.reverse())
      byId.set(entry.scimId!, [...(byId.get(entry.scimId!) ?? []), entry]);
    return byId;
  };

  before(async () => {
    proxied = await startProxiedStack({
      authServer: { scim: { pageSize: 3, revokeConcurrency: 2 } },
    });
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

  test('failed DELETEs finish on a re-run', async () => {
    const { browser, items } = await prepare(JANE);
    const failing = [items[1]!, items[4]!];
    for (const item of failing) {
      proxied.proxy.add({
        method: 'DELETE',
        path: `/um/admin/Delegations/${item.id}`,
        fault: { kind: 'respond', status: 503 },
      });
    }

    const first = await revokeAll(browser);

    assert.equal(first.revoked, items.length - failing.length);
    assert.deepEqual(
      first.failed.map((failure) => failure.id).sort(),
      failing.map((item) => item.id).sort(),
    );
    for (const failure of first.failed) {
      const item = failing.find((candidate) => candidate.id === failure.id)!;
      assert.equal(failure.delegationId, item.delegationId);
      assert.equal(failure.clientId, item.clientId);
      assert.match(failure.message, /failed with HTTP 503/);
    }
    assert.deepEqual(
      stillIssued(items),
      first.failed.map((failure) => failure.id).sort(),
      'the failed ones are exactly those still issued',
    );
    assert.equal(first.logoutUrl, null);
    assert.equal(
      (await browser.loadSession()).signedIn,
      true,
      'the session is kept while some remain',
    );
    assert.ok(await store().getDevice(browser.cookie('st_device')!), 'the device is kept');

    proxied.proxy.clear();
    const second = await revokeAll(browser);

    assert.equal(second.revoked, failing.length);
    assert.deepEqual(second.failed, []);
    assert.ok(second.logoutUrl, 'the re-run ends the session');
    assert.deepEqual(stillIssued(items), []);
    assert.deepEqual(await browser.loadSession(), { signedIn: false });

    const audit = await auditByScimId('janedoe');
    for (const item of items) {
      const results = (audit.get(item.id) ?? []).map((entry) => entry.result);
      const expected = failing.includes(item)
        ? ['started', 'failed', 'started', 'succeeded']
        : ['started', 'succeeded'];
      assert.deepEqual(results, expected, `audit of ${item.id}`);
    }
  });

  test('server dying half-way, then re-run', async () => {
    const { browser, items } = await prepare(LARS);
    proxied.proxy.add({
      method: 'DELETE',
      path: /^\/um\/admin\/Delegations\//,
      fault: { kind: 'die' },
      after: 3,
      times: 1,
    });

    const first = await revokeAll(browser);

    const failedIds = first.failed.map((failure) => failure.id).sort();
    assert.ok(first.revoked >= 2, `${first.revoked} revoked before the server died`);
    assert.ok(failedIds.length > 0, 'some could not be revoked');
    assert.equal(
      first.revoked + first.alreadyRevoked + failedIds.length,
      items.length,
      'every delegation is accounted for',
    );
    // A DELETE in flight when the server died may have been carried out, so a failure may name a
    // revoked delegation. A delegation still issued must never be reported as revoked.
    const unreported = stillIssued(items).filter((id) => !failedIds.includes(id));
    assert.deepEqual(unreported, [], 'every delegation still issued is reported as failed');
    for (const failure of first.failed) assert.match(failure.message, /cannot be reached/);
    assert.equal(first.logoutUrl, null);

    await proxied.proxy.accept();
    assert.equal(
      (await browser.loadSession()).signedIn,
      true,
      'the session is kept while some remain',
    );
    const second = await revokeAll(browser);

    assert.ok(second.revoked <= failedIds.length);
    assert.deepEqual(second.failed, []);
    assert.ok(second.logoutUrl);
    assert.deepEqual(stillIssued(items), []);

    const audit = await auditByScimId('larseriksson');
    for (const item of items) {
      const results = (audit.get(item.id) ?? []).map((entry) => entry.result);
      const starts = results.filter((result) => result === 'started').length;
      assert.ok(starts > 0, `audit of ${item.id} has its revocation`);
      assert.equal(starts * 2, results.length, `audit of ${item.id} gives every start an outcome`);
      // Only the DELETE cut off in flight may end as failed although the server carried it out.
      if (results.at(-1) !== 'succeeded')
        assert.ok(failedIds.includes(item.id), `audit of ${item.id}`);
    }
  });
});
