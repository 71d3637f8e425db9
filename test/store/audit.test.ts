import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isAppError } from '../../src/shared/errors.ts';
import type { AuditEntry, AuditEntryInput, TrackerStore } from '../../src/store/types.ts';
import { auditEntry } from './fixtures.ts';
import { describeEachStore, waitForClockAfter } from './harness.ts';

const SAMPLE: AuditEntryInput[] = [
  auditEntry({ actor: 'janedoe', owner: 'janedoe', action: 'sign-in', result: 'succeeded' }),
  auditEntry({ actor: 'janedoe', owner: 'janedoe', action: 'revoke', result: 'started' }),
  auditEntry({ actor: 'janedoe', owner: 'janedoe', action: 'revoke', result: 'failed' }),
  auditEntry({ actor: 'admin', actorIsAdmin: true, owner: 'janedoe', action: 'bulk-revoke' }),
  auditEntry({ actor: 'admin', actorIsAdmin: true, owner: 'larseriksson', action: 'bulk-revoke' }),
  auditEntry({ actor: 'larseriksson', owner: 'larseriksson', action: 'refresh' }),
  auditEntry({ actor: 'larseriksson', owner: 'larseriksson', action: 'logout' }),
];

async function appendAll(store: TrackerStore, entries: AuditEntryInput[]): Promise<AuditEntry[]> {
  const appended: AuditEntry[] = [];
  for (const entry of entries) appended.push(await store.appendAudit(entry));
  return appended;
}

/** Ids of `entries` that satisfy `predicate`, newest first, as queryAudit orders them. */
function expectedIds(entries: AuditEntry[], predicate: (entry: AuditEntry) => boolean): number[] {
  return entries
    .filter(predicate)
    .map((entry) => entry.id)
    .sort((a, b) => b - a);
}

function ids(entries: AuditEntry[]): number[] {
  return entries.map((entry) => entry.id);
}

describeEachStore('store audit', (harness) => {
  it('appends an entry with every field', async () => {
    const location = await harness.location();
    const store = await location.open();
    const input: AuditEntryInput = {
      actor: 'admin',
      actorIsAdmin: true,
      action: 'revoke',
      delegationId: 'delegation-1',
      scimId: 'scim-1',
      owner: 'janedoe',
      clientId: 'www',
      result: 'succeeded',
      detail: 'revoked by an administrator',
      correlationId: 'request-1',
    };
    const before = Date.now();

    const entry = await store.appendAudit(input);

    assert.deepEqual({ ...entry, id: 0, at: new Date(0) }, { ...input, id: 0, at: new Date(0) });
    assert.ok(Number.isSafeInteger(entry.id));
    assert.ok(entry.id > 0);
    assert.ok(entry.at.getTime() >= before);
    assert.ok(entry.at.getTime() <= Date.now());
    assert.deepEqual(await store.queryAudit({}), [entry]);
  });

  it('leaves absent optional fields out', async () => {
    const store = await (await harness.location()).open();

    const entry = await store.appendAudit(auditEntry());

    assert.deepEqual(Object.keys(entry).sort(), [
      'action',
      'actor',
      'actorIsAdmin',
      'at',
      'id',
      'result',
    ]);
  });

  it('commits an entry before returning', async () => {
    const location = await harness.location();
    const store = await location.open();

    const entry = await store.appendAudit(auditEntry({ detail: 'durable' }));

    const rows = await location.rawQuery('SELECT detail FROM audit_log WHERE id = $1', [entry.id]);
    assert.deepEqual(
      rows.map((row) => row.detail),
      ['durable'],
    );
  });

  it('filters by actor, owner, action and result', async () => {
    const store = await (await harness.location()).open();
    const entries = await appendAll(store, SAMPLE);

    const cases: Array<
      [Parameters<TrackerStore['queryAudit']>[0], (entry: AuditEntry) => boolean]
    > = [
      [{ actor: 'admin' }, (entry) => entry.actor === 'admin'],
      [{ owner: 'larseriksson' }, (entry) => entry.owner === 'larseriksson'],
      [{ action: 'revoke' }, (entry) => entry.action === 'revoke'],
      [{ result: 'failed' }, (entry) => entry.result === 'failed'],
      [
        { actor: 'admin', owner: 'janedoe' },
        (entry) => entry.actor === 'admin' && entry.owner === 'janedoe',
      ],
      [
        { owner: 'janedoe', action: 'revoke', result: 'started' },
        (entry) =>
          entry.owner === 'janedoe' && entry.action === 'revoke' && entry.result === 'started',
      ],
      [{ actor: 'nobody' }, () => false],
      [{}, () => true],
    ];
    for (const [query, predicate] of cases) {
      const found = await store.queryAudit(query);
      assert.deepEqual(ids(found), expectedIds(entries, predicate), JSON.stringify(query));
    }
  });

  it('filters by time range', async () => {
    const store = await (await harness.location()).open();
    const early = await store.appendAudit(auditEntry({ detail: 'early' }));
    await waitForClockAfter(early.at);
    const middle = await store.appendAudit(auditEntry({ detail: 'middle' }));
    await waitForClockAfter(middle.at);
    const late = await store.appendAudit(auditEntry({ detail: 'late' }));

    assert.deepEqual(ids(await store.queryAudit({ since: middle.at })), [late.id, middle.id]);
    assert.deepEqual(ids(await store.queryAudit({ until: middle.at })), [early.id]);
    assert.deepEqual(ids(await store.queryAudit({ since: middle.at, until: late.at })), [
      middle.id,
    ]);
    assert.deepEqual(ids(await store.queryAudit({ since: new Date(late.at.getTime() + 1) })), []);
  });

  it('pages by id, newest first', async () => {
    const store = await (await harness.location()).open();
    const entries = await appendAll(store, [...SAMPLE, ...SAMPLE]);

    const seen: number[] = [];
    let beforeId: number | undefined;
    for (let page = 0; page < 10; page += 1) {
      const found = await store.queryAudit({ limit: 3, beforeId });
      if (found.length === 0) break;
      assert.ok(found.length <= 3);
      seen.push(...ids(found));
      beforeId = found.at(-1)!.id;
    }

    assert.deepEqual(
      seen,
      expectedIds(entries, () => true),
    );
  });

  it('pages a filtered query', async () => {
    const store = await (await harness.location()).open();
    const entries = await appendAll(store, [...SAMPLE, ...SAMPLE, ...SAMPLE]);
    const expected = expectedIds(entries, (entry) => entry.actor === 'janedoe');

    const firstPage = await store.queryAudit({ actor: 'janedoe', limit: 4 });
    const secondPage = await store.queryAudit({
      actor: 'janedoe',
      limit: 4,
      beforeId: firstPage.at(-1)!.id,
    });

    assert.deepEqual(ids(firstPage), expected.slice(0, 4));
    assert.deepEqual(ids(secondPage), expected.slice(4, 8));
  });

  it('limits to 100 entries by default', async () => {
    const store = await (await harness.location()).open();
    await appendAll(
      store,
      Array.from({ length: 105 }, () => auditEntry()),
    );

    assert.equal((await store.queryAudit({})).length, 100);
    assert.equal((await store.queryAudit({ limit: 1000 })).length, 105);
  });

  it('rejects invalid paging and dates', async () => {
    const store = await (await harness.location()).open();
    const invalid = [
      { limit: 0 },
      { limit: 1001 },
      { limit: 2.5 },
      { beforeId: 0 },
      { beforeId: Number.NaN },
      { since: new Date('not a date') },
    ];

    for (const query of invalid) {
      await assert.rejects(
        store.queryAudit(query),
        (error: unknown) => isAppError(error) && error.code === 'invalid_audit_query',
        JSON.stringify(query),
      );
    }
  });

  it('indexes every filtered column', async () => {
    const location = await harness.location();
    await location.open();

    const sql =
      location.kind === 'sqlite'
        ? "SELECT name AS index_name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'"
        : "SELECT indexname AS index_name, indexdef AS definition FROM pg_indexes WHERE tablename = 'audit_log'";
    const definitions = (await location.rawQuery(sql)).map((row) => String(row.definition));

    for (const column of ['actor', 'owner', 'action', 'result', 'at']) {
      assert.ok(
        definitions.some((definition) => new RegExp(`\\(${column}[,)]`).test(definition)),
        `no index starts with ${column}: ${definitions.join('; ')}`,
      );
    }
  });
});

describeEachStore('store audit under concurrency', (harness) => {
  it('commits concurrent appends, each once', async () => {
    const location = await harness.location();
    const store = await location.open();
    const inputs = Array.from({ length: 40 }, (_, index) =>
      auditEntry({
        actor: 'admin',
        actorIsAdmin: true,
        owner: `user${index}`,
        action: 'bulk-revoke',
      }),
    );

    const appended = await Promise.all(inputs.map((input) => store.appendAudit(input)));
    const stored = await store.queryAudit({ actor: 'admin', limit: 100 });

    assert.equal(new Set(ids(appended)).size, inputs.length);
    assert.deepEqual(
      appended.map((entry) => entry.owner),
      inputs.map((input) => input.owner),
    );
    assert.deepEqual(
      ids(stored).sort((a, b) => a - b),
      ids(appended).sort((a, b) => a - b),
    );
    await store.close();
  });
});

// Only SQLite batches appends; it must write the waiting batch before the file closes.
describeEachStore(
  'sqlite audit batching',
  (harness) => {
    it('keeps appends that were waiting at close', async () => {
      const location = await harness.location();
      const store = await location.open();
      const waiting = [1, 2, 3].map((index) =>
        store.appendAudit(
          auditEntry({ actor: 'janedoe', owner: `owner${index}`, action: 'revoke' }),
        ),
      );
      await store.close();
      await Promise.all(waiting);

      const reopened = await location.open();
      const stored = await reopened.queryAudit({ actor: 'janedoe' });
      assert.equal(stored.length, 3);
      await reopened.close();
    });
  },
  ['sqlite'],
);
