import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAppError } from '../../src/shared/errors.ts';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/sql/migrations.ts';
import type { ChangeEvent, TrackerStore } from '../../src/store/types.ts';
import { freePort } from '../helpers/ports.ts';
import { describeEachStore, waitUntil, type StoreLocation } from './harness.ts';

const LATEST_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));
const TEST_TIMEOUT_MS = 30_000;
const CHILD_SCRIPT = fileURLToPath(new URL('./open-store-child.ts', import.meta.url));

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * Resolves once a second `withLock` on a held key is known to be waiting. For PostgreSQL, that
 * is when the server shows an advisory lock request not yet granted. For SQLite, whose locks
 * are an in-process queue, it is after the event loop has run everything that was ready.
 */
async function waitForBlockedLocker(location: StoreLocation): Promise<void> {
  if (location.kind === 'sqlite') {
    await new Promise((resolve) => setImmediate(resolve));
    return;
  }
  await waitUntil('a second advisory lock request waits', async () => {
    const rows = await location.rawQuery(
      `SELECT count(*)::int AS waiting FROM pg_locks
       WHERE locktype = 'advisory' AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return Number(rows[0]?.waiting) >= 1;
  });
}

/**
 * Starts `count` processes that each open the store, releases them together once all have
 * loaded, and returns each one's standard output. Rejects if any exits with an error.
 */
async function runAtOnce(count: number, env: NodeJS.ProcessEnv): Promise<string[]> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], { env, stdio: 'pipe' }),
  );
  const outputs = children.map(() => ({ stdout: '', stderr: '' }));
  const ready = children.map(
    (child, index) =>
      new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          outputs[index]!.stdout += chunk.toString('utf8');
          if (outputs[index]!.stdout.startsWith('ready\n')) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          outputs[index]!.stderr += chunk.toString('utf8');
        });
      }),
  );
  const exits = children.map(async (child, index) => {
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0)
      throw new Error(`Child ${index} exited with ${code}: ${outputs[index]!.stderr}`);
  });

  await Promise.race([Promise.all(ready), Promise.all(exits)]);
  for (const child of children) child.stdin.end('go\n');
  await Promise.all(exits);
  return outputs.map((output) => output.stdout);
}

/** Collects the events a subscriber receives. */
async function collect(store: TrackerStore): Promise<{
  events: ChangeEvent[];
  unsubscribe: () => Promise<void>;
}> {
  const events: ChangeEvent[] = [];
  const unsubscribe = await store.subscribe((event) => events.push(event));
  return { events, unsubscribe };
}

describeEachStore('store coordination', (harness) => {
  it('records applied migrations once', async () => {
    const location = await harness.location();
    const first = await location.open();
    await first.close();
    const second = await location.open();
    await second.migrate();

    const rows = await location.rawQuery(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((row) => Number(row.version)),
      MIGRATIONS.map((migration) => migration.version),
    );
    const applied = location.logs.lines.filter((line) => line.msg === 'Applied store migration');
    assert.equal(applied.length, MIGRATIONS.length);
    assert.equal(applied.at(-1)?.version, LATEST_VERSION);
  });

  it('migrates safely when instances start at once', async () => {
    const location = await harness.location();

    const stores = await Promise.all([location.open(), location.open(), location.open()]);

    assert.equal(stores.length, 3);
    const rows = await location.rawQuery('SELECT version FROM schema_migrations');
    assert.equal(rows.length, MIGRATIONS.length);
    const applied = location.logs.lines.filter((line) => line.msg === 'Applied store migration');
    assert.equal(applied.length, MIGRATIONS.length);
  });

  it('refuses a schema newer than the build', async () => {
    const location = await harness.location();
    const store = await location.open();
    await store.close();
    await location.rawQuery(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
      [LATEST_VERSION + 1, 'from the future', location.kind === 'sqlite' ? Date.now() : new Date()],
    );

    await assert.rejects(location.open(), {
      message: /schema is at version \d+.*knows versions up to/,
    });
  });

  it('serialises tasks on one key', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const first = await location.open();
    const second = await location.open();
    const held = gate();
    const order: string[] = [];

    let firstStarted!: () => void;
    const firstRunning = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const a = first.withLock('refresh:d-1', async () => {
      order.push('a start');
      firstStarted();
      await held.promise;
      order.push('a end');
      return 'a';
    });
    await firstRunning;
    const b = second.withLock('refresh:d-1', async () => {
      order.push('b');
      return 'b';
    });
    await waitForBlockedLocker(location);
    assert.deepEqual(order, ['a start']);

    held.open();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(order, ['a start', 'a end', 'b']);
  });

  it('runs tasks on different keys at once', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const first = await location.open();
    const second = await location.open();
    const held = gate();

    let firstStarted!: () => void;
    const firstRunning = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const a = first.withLock('refresh:d-1', async () => {
      firstStarted();
      await held.promise;
    });
    await firstRunning;

    // Completes only if the other key's lock does not block it.
    assert.equal(await second.withLock('refresh:d-2', async () => 'ran'), 'ran');
    held.open();
    await a;
  });

  it('releases a lock when the task fails', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const first = await location.open();
    const second = await location.open();

    await assert.rejects(
      first.withLock('refresh:d-1', async () => {
        throw new Error('refresh failed');
      }),
      { message: 'refresh failed' },
    );

    assert.equal(await second.withLock('refresh:d-1', async () => 'next'), 'next');
  });

  it('lets a task query while holding a lock', { timeout: TEST_TIMEOUT_MS }, async () => {
    const store = await (await harness.location()).open();

    const results = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        store.withLock(`key-${index % 5}`, async () => {
          await store.getDevice(`device-${index}`);
          return index;
        }),
      ),
    );

    assert.deepEqual(
      results,
      Array.from({ length: 25 }, (_, index) => index),
    );
  });

  it('delivers events across instances', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const publisher = await location.open();
    const subscriber = await location.open();
    const received = await collect(subscriber);
    const ownEvents = await collect(publisher);
    const event: ChangeEvent = { type: 'delegation-revoked', owner: 'janedoe', scimId: 's-1' };

    await publisher.publish(event);

    await waitUntil(
      'both subscribers receive the event',
      () => received.events.length === 1 && ownEvents.events.length === 1,
    );
    assert.deepEqual(received.events, [event]);
    assert.deepEqual(ownEvents.events, [event]);
  });

  it('stops delivery after unsubscribe', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const publisher = await location.open();
    const subscriber = await location.open();
    const leaving = await collect(subscriber);
    const staying = await collect(subscriber);

    await leaving.unsubscribe();
    await publisher.publish({ type: 'delegation-created', owner: 'janedoe', delegationId: 'd-1' });

    await waitUntil(
      'the remaining subscriber receives the event',
      () => staying.events.length === 1,
    );
    assert.deepEqual(leaving.events, []);
  });

  it('keeps delivering when a listener throws', { timeout: TEST_TIMEOUT_MS }, async () => {
    const location = await harness.location();
    const store = await location.open();
    await store.subscribe(() => {
      throw new Error('listener failed');
    });
    const received = await collect(store);

    await store.publish({ type: 'delegation-refreshed', owner: 'janedoe', delegationId: 'd-1' });

    await waitUntil('the second listener receives the event', () => received.events.length === 1);
    await waitUntil('the failure is logged', () =>
      location.logs.lines.some((line) => line.msg === 'A change event listener failed'),
    );
  });

  it('rejects malformed and oversized events', async () => {
    const store = await (await harness.location()).open();

    await assert.rejects(
      store.publish({ type: 'delegation-gone', owner: 'janedoe' } as unknown as ChangeEvent),
      { name: 'TypeError', message: /Unknown change event type "delegation-gone"/ },
    );
    await assert.rejects(
      store.publish({ type: 'delegation-refreshed', owner: 'janedoe' } as unknown as ChangeEvent),
      { name: 'TypeError', message: /no delegationId/ },
    );
    await assert.rejects(
      store.publish({ type: 'delegation-revoked', owner: 'x'.repeat(8000) }),
      (error: unknown) => isAppError(error) && error.code === 'change_event_too_large',
    );
  });

  it('rejects an unsupported database URL', async () => {
    const location = await harness.location();

    await assert.rejects(
      openStore({
        databaseUrl: 'mysql://user:hunter2@127.0.0.1/db',
        dataDir: location.dataDir,
        secret: location.secret,
        logger: location.logs.logger,
      }),
      (error: Error) => {
        assert.match(error.message, /use postgres:\/\/ or postgresql:\/\//);
        assert.ok(!error.message.includes('hunter2'), 'the message shows the password');
        return true;
      },
    );
  });

  it('names the setting when opening fails', async () => {
    const location = await harness.location();
    const unusedPort = await freePort();
    const options =
      location.kind === 'sqlite'
        ? { dataDir: join(location.dataDir, 'file', 'data') }
        : {
            databaseUrl: `postgres://tracker:hunter2@127.0.0.1:${unusedPort}/tracker`,
            dataDir: location.dataDir,
          };
    if (location.kind === 'sqlite') writeFileSync(join(location.dataDir, 'file'), 'not a folder');

    await assert.rejects(
      openStore({ ...options, secret: location.secret, logger: location.logs.logger }),
      (error: Error) => {
        const setting = location.kind === 'sqlite' ? 'tracker.dataDir' : 'database.url';
        assert.match(error.message, /^Failed to open the (SQLite|PostgreSQL) store: /);
        assert.ok(error.message.includes(setting), error.message);
        assert.ok(!error.message.includes('hunter2'), 'the message shows the password');
        return true;
      },
    );
  });
});

describeEachStore(
  'sqlite file',
  (harness) => {
    it('is readable by its owner only', async () => {
      const location = await harness.location();
      await location.open();

      const mode = statSync(join(location.dataDir, SQLITE_FILE_NAME)).mode & 0o777;
      assert.equal(mode, 0o600);
    });

    it('migrates once when processes start at once', { timeout: 60_000 }, async () => {
      const location = await harness.location();

      const outputs = await runAtOnce(3, {
        ...process.env,
        STORE_DIR: location.dataDir,
        STORE_SECRET: location.secret.toString('base64'),
      });

      const applied = outputs
        .flatMap((output) => output.split('\n'))
        .filter((line) => line.includes('"Applied store migration"'));
      assert.equal(applied.length, MIGRATIONS.length);
      const rows = await location.rawQuery('SELECT version FROM schema_migrations');
      assert.equal(rows.length, MIGRATIONS.length);
    });
  },
  ['sqlite'],
);

describeEachStore(
  'postgres listener',
  (harness) => {
    it('reconnects after its connection ends', { timeout: TEST_TIMEOUT_MS }, async () => {
      const location = await harness.location();
      const publisher = await location.open();
      const subscriber = await location.open();
      const received = await collect(subscriber);

      const terminated = await harness.rawServerQuery(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
       WHERE application_name = 'session-tracker-listener' AND datname = current_database()`,
        location.databaseUrl,
      );
      assert.equal(terminated.length, 1, "expected one listener connection, the subscriber's");

      // Events published before the listener is back are lost, so publish until one arrives.
      await waitUntil('an event arrives after the reconnect', async () => {
        await publisher.publish({ type: 'delegation-created', owner: 'janedoe' });
        await new Promise((resolve) => setTimeout(resolve, 20));
        return received.events.length > 0;
      });
      assert.ok(
        location.logs.lines.some(
          (line) => line.msg === 'Reconnected the change notification connection',
        ),
      );
    });
  },
  ['postgres'],
);
