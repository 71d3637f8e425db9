import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { ChangeEvent } from '../../src/store/types.ts';
import { tokenLockKey } from '../../src/tracker/services/token-lock.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { waitUntil } from '../store/harness.ts';
import {
  ADMIN,
  JANE,
  LARS,
  listDelegations,
  readNdjson,
  type ListedDelegation,
} from '../tracker/accounts.ts';
import { PinnedBrowser, signInThrough, startCluster, type Cluster } from './helpers/cluster.ts';
import { EventStream } from './helpers/event-stream.ts';

const A = 0;
const B = 1;

/**
 * Every action that changes a delegation is taken through instance A while an administrator's
 * event stream is open on instance B: each must arrive there through PostgreSQL NOTIFY.
 */
describe('change events from one instance reach the other', () => {
  let postgres: PostgresServer;
  let cluster: Cluster;
  let admin: PinnedBrowser;
  let adminEvents: EventStream;
  let jane: PinnedBrowser;
  let lars: PinnedBrowser;

  before(async () => {
    postgres = await startPostgres();
    cluster = await startCluster({ postgres });
    admin = await signInThrough(cluster, ADMIN, 'www', new PinnedBrowser(cluster.publicUrl, B));
    adminEvents = await EventStream.open(admin);
    admin.instance = A;
    assert.equal(adminEvents.servedBy, B);

    lars = new PinnedBrowser(cluster.publicUrl, A);
    for (const clientId of ['www', 'www2', 'www', 'www2'])
      await signInThrough(cluster, LARS, clientId, lars);
  });

  after(async () => {
    await adminEvents?.close();
    await cluster?.close();
    await postgres?.stop();
  });

  test('sign-in publishes delegation-created', async () => {
    jane = await signInThrough(cluster, JANE, 'www', new PinnedBrowser(cluster.publicUrl, A));
    const [mine] = await issuedOf(jane, 'www');

    const event = await adminEvents.next(
      (received) =>
        received.type === 'delegation-created' && received.delegationId === mine!.delegationId,
    );
    assert.equal(event.owner, JANE.username);
  });

  test('refresh publishes delegation-refreshed', async () => {
    const [mine] = await issuedOf(jane, 'www');
    const response = await jane.api('POST', `/api/delegations/${mine!.id}/refresh`);
    assert.equal(response.status, 200);

    const event = await adminEvents.next(
      (received) =>
        received.type === 'delegation-refreshed' && received.delegationId === mine!.delegationId,
    );
    assert.equal(event.owner, JANE.username);
  });

  test('own revoke publishes delegation-revoked', async () => {
    await signInThrough(cluster, JANE, 'www2', jane);
    const [target] = await issuedOf(jane, 'www2');
    const janeEvents = await EventStream.open(
      new PinnedBrowser(cluster.publicUrl, B).withSessionOf(jane),
    );

    const response = await jane.api('DELETE', `/api/delegations/${target!.id}`);
    assert.equal(response.status, 200);

    for (const stream of [adminEvents, janeEvents]) {
      const event = await stream.next(isRevocationOf(target!));
      assert.equal(event.owner, JANE.username);
    }
    await janeEvents.close();
  });

  test('admin revoke publishes delegation-revoked', async () => {
    const [target] = await issuedOf(lars, 'www');
    const response = await admin.api('DELETE', `/api/admin/delegations/${target!.id}`);
    assert.equal(response.status, 200);

    const event = await adminEvents.next(isRevocationOf(target!));
    assert.equal(event.owner, LARS.username);
  });

  test('bulk revoke publishes delegation-revoked', async () => {
    const targets = await issuedOf(lars, 'www2');
    assert.equal(targets.length, 2);
    const response = await admin.api('POST', '/api/admin/bulk-revoke', {
      body: { target: { ids: targets.map((target) => target.id) }, dryRun: false },
    });
    const lines = await readNdjson(response);
    assert.equal(lines.at(-1)?.type, 'end');
    assert.equal(lines.at(-1)?.revoked, 2);

    for (const target of targets) await adminEvents.next(isRevocationOf(target));
  });

  test('revoke-all publishes delegation-revoked', async () => {
    const remaining = await issuedOf(lars);
    assert.equal(remaining.length, 1);
    const response = await lars.api('POST', '/api/revoke-all');
    const lines = await readNdjson(response);
    assert.equal(lines.at(-1)?.type, 'end');
    assert.equal(lines.at(-1)?.revoked, 1);

    await adminEvents.next(isRevocationOf(remaining[0]!));
  });

  test('revocation waits for a refresh in flight', async () => {
    const store = await cluster.openStore();
    const [mine] = await issuedOf(jane, 'www');
    const tokens = await store.getTokens(mine!.delegationId);
    assert.ok(tokens, 'the sign-in stored tokens');

    let revoked: Promise<Response> | undefined;
    // The test plays a refresh on a third instance: it holds the token lock while the
    // revocation through B runs, and saves the rotated tokens last, as refreshDelegation does.
    await store.withLock(tokenLockKey(mine!.delegationId), async () => {
      jane.instance = B;
      revoked = jane.api('DELETE', `/api/delegations/${mine!.id}`);
      await waitUntil('the revocation waits for the token lock', () =>
        hasWaitingAdvisoryLock(cluster.databaseUrl),
      );
      await store.saveTokens({ ...tokens, updatedAt: new Date() });
    });

    const response = await revoked!;
    assert.equal(response.status, 200);
    assert.equal(
      await store.getTokens(mine!.delegationId),
      null,
      'no tokens saved back after the delete',
    );
  });
});

async function issuedOf(browser: PinnedBrowser, clientId?: string): Promise<ListedDelegation[]> {
  const page = await listDelegations(browser);
  return page.items.filter(
    (item) => item.status === 'issued' && (clientId === undefined || item.clientId === clientId),
  );
}

function isRevocationOf(target: ListedDelegation): (event: ChangeEvent) => boolean {
  return (event) =>
    event.type === 'delegation-revoked' &&
    event.delegationId === target.delegationId &&
    event.scimId === target.id;
}

async function hasWaitingAdvisoryLock(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_locks
       WHERE locktype = 'advisory' AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return (result.rows[0]?.waiting ?? 0) > 0;
  } finally {
    await client.end();
  }
}
