import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { DEMO_CLIENT_SECRETS } from '../../src/config/idp.ts';
import { CURITY_ROUTES } from '../../src/idp/provider/routes.ts';
import { APPLICATION_NAME } from '../../src/store/postgres/store.ts';
import { MIGRATIONS } from '../../src/store/sql/migrations.ts';
import type { AuditEntry } from '../../src/store/types.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { JANE, listDelegations, onlyOfClient } from '../tracker/accounts.ts';
import { PinnedBrowser, signInThrough, startCluster, type Cluster } from './helpers/cluster.ts';
import { EventStream } from './helpers/event-stream.ts';
import { SERVED_BY_HEADER } from './helpers/round-robin-proxy.ts';

const A = 0;
const B = 1;
/** Refreshes sent through each instance at once: enough that they overlap. */
const REFRESHES_PER_INSTANCE = 3;
/** Event streams opened on each instance while counting PostgreSQL connections. */
const STREAMS_PER_INSTANCE = 12;

describe('two instances on one PostgreSQL database', () => {
  let postgres: PostgresServer;
  let cluster: Cluster;
  let jane: PinnedBrowser;

  before(async () => {
    postgres = await startPostgres();
    cluster = await startCluster({ postgres });
    jane = await signInThrough(cluster, JANE, 'www');
  });

  after(async () => {
    await cluster?.close();
    await postgres?.stop();
  });

  test('concurrent start migrates once', async () => {
    const rows = await query(
      cluster.databaseUrl,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((row) => Number(row.version)),
      MIGRATIONS.map((migration) => migration.version).sort((a, b) => a - b),
    );
  });

  test('session works through either instance', async () => {
    const served = new Set<string>();
    for (let request = 0; request < 4; request += 1) {
      jane.instance = undefined;
      const response = await jane.api('GET', '/api/session');
      served.add(response.headers.get(SERVED_BY_HEADER) ?? '');
      const body = (await response.json()) as { signedIn: boolean; csrfToken?: string };
      assert.equal(
        body.signedIn,
        true,
        `signed in on instance ${response.headers.get(SERVED_BY_HEADER)}`,
      );
      assert.equal(body.csrfToken, jane.csrfToken);
    }
    assert.deepEqual([...served].sort(), ['0', '1'], 'round robin reached both instances');

    jane.instance = A;
    const mine = onlyOfClient(await listDelegations(jane), 'www');
    jane.instance = B;
    const introspected = await jane.api('POST', `/api/delegations/${mine.id}/introspect`, {
      body: {},
    });
    assert.equal(introspected.status, 200, 'a CSRF-checked POST through B with the session from A');
    assert.equal(introspected.headers.get(SERVED_BY_HEADER), String(B));
    assert.equal(((await introspected.json()) as { active: boolean }).active, true);
  });

  test('concurrent refreshes keep newest token', async () => {
    const store = await cluster.openStore();
    jane.instance = A;
    const mine = onlyOfClient(await listDelegations(jane), 'www');
    const before = await store.getTokens(mine.delegationId);
    assert.ok(before?.refreshToken, 'the sign-in stored a refresh token');

    const throughA = new PinnedBrowser(cluster.publicUrl, A).withSessionOf(jane);
    const throughB = new PinnedBrowser(cluster.publicUrl, B).withSessionOf(jane);
    const refreshes = [throughA, throughB].flatMap((browser) =>
      Array.from({ length: REFRESHES_PER_INSTANCE }, () =>
        browser.api('POST', `/api/delegations/${mine.id}/refresh`),
      ),
    );
    const responses = await Promise.all(refreshes);

    for (const response of responses) {
      assert.equal(
        response.status,
        200,
        `refresh through ${response.headers.get(SERVED_BY_HEADER)}: ${await response.clone().text()}`,
      );
      assert.equal(
        ((await response.json()) as { refreshTokenRotated: boolean }).refreshTokenRotated,
        true,
      );
    }
    const after = await store.getTokens(mine.delegationId);
    assert.ok(after?.refreshToken);
    assert.notEqual(after.refreshToken, before.refreshToken);
    assert.equal(
      await isActiveAtServer(cluster, after.refreshToken),
      true,
      'the stored refresh token is live',
    );
    assert.equal(
      await isActiveAtServer(cluster, before.refreshToken),
      false,
      'the first one was rotated away',
    );

    const audited = await store.queryAudit({ action: 'refresh' });
    const ofThis = audited.filter((entry) => entry.delegationId === mine.delegationId);
    assert.equal(ofThis.filter((entry) => entry.result === 'succeeded').length, responses.length);
    assert.equal(ofThis.filter((entry) => entry.result === 'failed').length, 0);
    assert.equal(
      onlyOfClient(await listDelegations(jane), 'www').status,
      'issued',
      'no replay revoked it',
    );
  });

  test('one LISTEN connection per instance', async () => {
    const streams: EventStream[] = [];
    try {
      for (const instance of [A, B]) {
        const browser = new PinnedBrowser(cluster.publicUrl, instance).withSessionOf(jane);
        for (let stream = 0; stream < STREAMS_PER_INSTANCE; stream += 1) {
          streams.push(await EventStream.open(browser));
        }
      }
      assert.equal(streams.filter((stream) => stream.servedBy === A).length, STREAMS_PER_INSTANCE);
      assert.equal(streams.filter((stream) => stream.servedBy === B).length, STREAMS_PER_INSTANCE);

      const listeners = await query(
        cluster.databaseUrl,
        `SELECT count(*)::int AS count FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1`,
        [`${APPLICATION_NAME}-listener`],
      );
      assert.equal(listeners[0]?.count, 2);
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }
  });

  test('restart of both instances loses nothing', async () => {
    const store = await cluster.openStore();
    const auditBefore = await allAuditEntries(store);
    assert.ok(auditBefore.length > 0, 'earlier tests left audit entries');

    await cluster.restart();

    for (const instance of [A, B]) {
      jane.instance = instance;
      const session = await jane.loadSession();
      assert.equal(
        session.signedIn,
        true,
        `session valid on instance ${instance} after the restart`,
      );
      assert.equal(session.user.username, JANE.username);
    }
    assert.deepEqual(await allAuditEntries(store), auditBefore);

    jane.instance = B;
    const mine = onlyOfClient(await listDelegations(jane), 'www');
    const refreshed = await jane.api('POST', `/api/delegations/${mine.id}/refresh`);
    assert.equal(refreshed.status, 200, 'the stored tokens still decrypt and refresh');
  });
});

async function allAuditEntries(
  store: Awaited<ReturnType<Cluster['openStore']>>,
): Promise<AuditEntry[]> {
  return store.queryAudit({ limit: 1000 });
}

/** Asks the authorization server's introspection endpoint whether `token` is active. */
async function isActiveAtServer(cluster: Cluster, token: string): Promise<boolean> {
  const response = await fetch(`${cluster.idp.url}${CURITY_ROUTES.introspection}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`introspector:${DEMO_CLIENT_SECRETS.introspector}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ token, token_type_hint: 'refresh_token' }).toString(),
  });
  assert.equal(response.status, 200, `introspection returned ${response.status}`);
  return ((await response.json()) as { active: boolean }).active;
}

async function query(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}
