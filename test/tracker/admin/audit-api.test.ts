import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../../src/store/types.ts';
import { startStack, TestBrowser, type Stack } from '../../helpers/stack.ts';
import { parseCsv } from './csv-parser.ts';
import { assertApiError, readNdjson, signInAs } from './support.ts';

type AuditItem = Omit<AuditEntry, 'at'> & { at: string };

async function auditPage(
  admin: TestBrowser,
  query: string,
): Promise<{ items: AuditItem[]; nextBeforeId: number | null }> {
  return admin.getJson(`/api/admin/audit?${query}`);
}

async function ownDelegations(
  browser: TestBrowser,
): Promise<{ id: string; clientId: string; delegationId: string }[]> {
  return (await browser.getJson('/api/delegations')).items;
}

describe('audit trail', () => {
  let stack: Stack;
  let admin: TestBrowser;
  let bulkOperationId: string;

  before(async () => {
    stack = await startStack();

    // Jane: sign-in, refresh, introspect, a second sign-in at www2 and its revocation, revoke-all.
    const jane = await signInAs(stack, 'janedoe', 'www');
    const [first] = await ownDelegations(jane);
    assert.equal((await jane.api('POST', `/api/delegations/${first!.id}/refresh`)).status, 200);
    assert.equal(
      (
        await jane.api('POST', `/api/delegations/${first!.id}/introspect`, {
          body: { mode: 'json' },
        })
      ).status,
      200,
    );
    await signInAs(stack, 'janedoe', 'www2', jane);
    const second = (await ownDelegations(jane)).find(
      (delegation) => delegation.clientId === 'www2',
    )!;
    assert.equal((await jane.api('DELETE', `/api/delegations/${second.id}`)).status, 200);
    const revokeAll = await readNdjson(await jane.api('POST', '/api/revoke-all'));
    assert.equal(revokeAll.at(-1)!.type, 'end');

    // Lars: a sign-in and a logout, which leaves the delegation issued, then two more sign-ins.
    const lars = await signInAs(stack, 'larseriksson', 'www');
    assert.equal((await lars.api('POST', '/api/logout')).status, 200);
    await signInAs(stack, 'larseriksson', 'www', new TestBrowser(stack.trackerUrl));
    await signInAs(stack, 'larseriksson', 'www2', new TestBrowser(stack.trackerUrl));

    admin = await signInAs(stack, 'admin');
    const larsPage = await admin.getJson(
      '/api/admin/delegations?user=larseriksson&status=issued&sortBy=created',
    );
    assert.equal(larsPage.totalResults, 3);
    assert.equal(
      (await admin.api('DELETE', `/api/admin/delegations/${larsPage.items[0].id}`)).status,
      200,
    );
    const bulk = await readNdjson(
      await admin.api('POST', '/api/admin/bulk-revoke', {
        body: { target: { user: 'larseriksson' }, dryRun: false },
      }),
    );
    bulkOperationId = bulk[0]!.operationId;
  });
  after(() => stack.close());

  it('records every action of a user', async () => {
    const { items } = await auditPage(admin, 'owner=janedoe&limit=500');
    const actions = new Set(items.map((entry) => `${entry.action}:${entry.result}`));
    for (const expected of [
      'sign-in:succeeded',
      'refresh:succeeded',
      'introspect:succeeded',
      'revoke:started',
      'revoke:succeeded',
      'revoke-all:started',
      'revoke-all:succeeded',
      'logout:succeeded',
    ]) {
      assert.ok(
        actions.has(expected),
        `no ${expected} entry for janedoe; found ${[...actions].join(', ')}`,
      );
    }
    assert.ok(items.every((entry) => entry.actor === 'janedoe' && entry.actorIsAdmin === false));
  });

  it('records logout on its own', async () => {
    const { items } = await auditPage(admin, 'owner=larseriksson&action=logout');
    assert.equal(items.length, 1);
    assert.equal(items[0]!.actor, 'larseriksson');
  });

  it('records admin revoke with owner and client', async () => {
    const { items } = await auditPage(admin, 'actor=admin&action=revoke');
    assert.deepEqual(items.map((entry) => entry.result).sort(), ['started', 'succeeded']);
    for (const entry of items) {
      assert.equal(entry.actorIsAdmin, true);
      assert.equal(entry.owner, 'larseriksson');
      assert.equal(entry.clientId, 'www');
      assert.ok(entry.scimId);
      assert.ok(entry.delegationId);
    }
  });

  it('records bulk revoke under the operation id', async () => {
    const { items } = await auditPage(admin, 'actor=admin&action=bulk-revoke');
    assert.deepEqual(items.map((entry) => entry.result).sort(), [
      'started',
      'started',
      'succeeded',
      'succeeded',
    ]);
    assert.deepEqual(new Set(items.map((entry) => entry.clientId)), new Set(['www', 'www2']));
    for (const entry of items) {
      assert.equal(entry.correlationId, bulkOperationId);
      assert.equal(entry.owner, 'larseriksson');
      assert.equal(entry.actorIsAdmin, true);
      const pair = items.filter((other) => other.scimId === entry.scimId);
      const started = pair.find((other) => other.result === 'started')!;
      const succeeded = pair.find((other) => other.result === 'succeeded')!;
      assert.ok(started.id < succeeded.id, `the started entry of ${entry.scimId} must come first`);
    }
  });

  it('filters by result and time', async () => {
    const all = await auditPage(admin, 'limit=500');
    const started = await auditPage(admin, 'result=started&limit=500');
    assert.ok(started.items.length > 0);
    assert.ok(started.items.every((entry) => entry.result === 'started'));
    assert.equal(
      started.items.length,
      all.items.filter((entry) => entry.result === 'started').length,
    );

    const future = await auditPage(
      admin,
      `since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    assert.deepEqual(future.items, []);
    const past = await auditPage(admin, 'until=2000-01-01');
    assert.deepEqual(past.items, []);
  });

  it('pages with beforeId without gaps', async () => {
    const all = (await auditPage(admin, 'limit=500')).items;
    assert.ok(all.length > 10);

    const paged: AuditItem[] = [];
    let query = 'limit=3';
    for (let guard = 0; guard < 1000; guard += 1) {
      const page = await auditPage(admin, query);
      assert.ok(page.items.length <= 3);
      paged.push(...page.items);
      if (page.nextBeforeId === null) break;
      assert.equal(page.nextBeforeId, page.items.at(-1)!.id);
      query = `limit=3&beforeId=${page.nextBeforeId}`;
    }
    assert.deepEqual(
      paged.map((entry) => entry.id),
      all.map((entry) => entry.id),
    );
    assert.ok(
      all.every((entry, index) => index === 0 || all[index - 1]!.id > entry.id),
      'newest first',
    );
  });

  it('rejects invalid audit parameters', async () => {
    const message = await assertApiError(
      await admin.api('GET', '/api/admin/audit?limit=501'),
      400,
      'invalid_request',
    );
    assert.match(message, /"limit"/);
    await assertApiError(
      await admin.api('GET', '/api/admin/audit?action=delete'),
      400,
      'invalid_request',
    );
    await assertApiError(
      await admin.api('GET', '/api/admin/audit?since=yesterday'),
      400,
      'invalid_request',
    );
    await assertApiError(await admin.api('GET', '/api/admin/audit?who=me'), 400, 'invalid_request');
  });
});

describe('audit export', () => {
  let stack: Stack;
  let admin: TestBrowser;
  const BULK_ENTRIES = 1234;

  before(async () => {
    stack = await startStack();
    admin = await signInAs(stack, 'admin');
    const store = stack.tracker.context.store;
    for (let index = 0; index < BULK_ENTRIES; index += 1) {
      await store.appendAudit({
        actor: 'cli:ops',
        actorIsAdmin: true,
        action: 'bulk-revoke',
        owner: `user-${index}`,
        result: index % 7 === 0 ? 'failed' : 'succeeded',
        detail: index % 7 === 0 ? 'as_error: failed, "503"\nretry later' : 'revoked',
        correlationId: 'op-export',
      });
    }
    for (const actor of ['=HYPERLINK("http://attacker.test","x")', '+1+2', '-3', '@SUM(A1:A9)']) {
      await store.appendAudit({
        actor,
        actorIsAdmin: false,
        action: 'sign-in',
        result: 'succeeded',
        owner: actor,
      });
    }
  });
  after(() => stack.close());

  it('exports every matching entry as CSV', async () => {
    const response = await admin.api('GET', '/api/admin/audit/export?format=csv&actor=cli:ops');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /^attachment; filename="audit-\d{8}T\d{6}Z\.csv"$/,
    );
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const [header, ...records] = parseCsv(await response.text());
    assert.equal(header![0], 'id');
    assert.equal(records.length, BULK_ENTRIES);
    const ids = records.map((record) => Number(record[0]));
    assert.equal(new Set(ids).size, BULK_ENTRIES, 'an entry appears twice');
    assert.ok(
      ids.every((id, index) => index === 0 || ids[index - 1]! > id),
      'newest first',
    );

    const detailColumn = header!.indexOf('detail');
    const failed = records.filter((record) => record[header!.indexOf('result')] === 'failed');
    assert.equal(failed.length, Math.ceil(BULK_ENTRIES / 7));
    assert.equal(failed[0]![detailColumn], 'as_error: failed, "503"\nretry later');
  });

  it('neutralises spreadsheet formulas', async () => {
    const response = await admin.api('GET', '/api/admin/audit/export?format=csv&action=sign-in');
    const [header, ...records] = parseCsv(await response.text());
    const actors = records.map((record) => record[header!.indexOf('actor')]);
    const owners = records.map((record) => record[header!.indexOf('owner')]);

    for (const expected of [
      `'=HYPERLINK("http://attacker.test","x")`,
      "'+1+2",
      "'-3",
      "'@SUM(A1:A9)",
    ]) {
      assert.ok(actors.includes(expected), `actor ${expected} missing from ${actors.join(' | ')}`);
      assert.ok(owners.includes(expected), `owner ${expected} missing`);
    }
    assert.ok(actors.includes('admin'), 'the administrator sign-in is missing');
    for (const cell of records.flat()) assert.doesNotMatch(cell, /^[=+\-@]/);
  });

  it('exports JSON Lines with the same entries', async () => {
    const response = await admin.api(
      'GET',
      '/api/admin/audit/export?format=jsonl&actor=cli:ops&result=failed',
    );
    assert.equal(response.status, 200);
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /^attachment; filename="audit-\d{8}T\d{6}Z\.jsonl"$/,
    );
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const lines = (await response.text()).split('\n');
    assert.equal(lines.pop(), '', 'the file must end with a newline');
    const entries = lines.map((line) => JSON.parse(line) as AuditItem);
    assert.equal(entries.length, Math.ceil(BULK_ENTRIES / 7));
    assert.ok(entries.every((entry) => entry.result === 'failed' && entry.actor === 'cli:ops'));
    assert.equal(entries[0]!.detail, 'as_error: failed, "503"\nretry later');
    assert.ok(!Number.isNaN(Date.parse(entries[0]!.at)));
  });

  it('exports nothing but a header when nothing matches', async () => {
    const response = await admin.api('GET', '/api/admin/audit/export?format=csv&owner=nobody');
    assert.equal(parseCsv(await response.text()).length, 1);
  });

  it('rejects an unknown format', async () => {
    await assertApiError(
      await admin.api('GET', '/api/admin/audit/export?format=xlsx'),
      400,
      'invalid_request',
    );
    await assertApiError(await admin.api('GET', '/api/admin/audit/export'), 400, 'invalid_request');
  });
});
