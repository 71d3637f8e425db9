import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/index.ts';
import type { TrackerStore } from '../../src/store/types.ts';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres.ts';

export type StoreKind = 'sqlite' | 'postgres';

export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/**
 * Registers the suite `body` once per store kind, with a harness that starts a PostgreSQL
 * server for the postgres run and closes every store after each test.
 */
export function describeEachStore(
  title: string,
  body: (harness: StoreHarness) => void,
  kinds: readonly StoreKind[] = STORE_KINDS,
): void {
  for (const kind of kinds) {
    describe(`${title} (${kind})`, () => {
      const harness = new StoreHarness(kind);
      before(() => harness.start());
      afterEach(() => harness.closeStores());
      after(() => harness.stop());
      body(harness);
    });
  }
}

/** Log lines written by a test logger, parsed from pino's JSON. */
export interface CapturedLogs {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  text(): string;
}

export function captureLogs(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, text: () => raw.join('\n') };
}

/** One isolated database: a temporary folder for SQLite, a new database for PostgreSQL. */
export interface StoreLocation {
  kind: StoreKind;
  /** Opens another store instance on this location with the location's secret and logs. */
  open(options?: { secret?: Buffer; logger?: Logger }): Promise<TrackerStore>;
  /** Runs SQL on a separate connection, outside any store, and returns the rows. */
  rawQuery(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  secret: Buffer;
  logs: CapturedLogs;
  dataDir: string;
  databaseUrl: string | undefined;
}

/** Creates locations of one kind and closes every store and server it opened. */
export class StoreHarness {
  readonly kind: StoreKind;
  #server: PostgresServer | undefined;
  #databases = 0;
  readonly #stores: TrackerStore[] = [];
  readonly #dirs: string[] = [];

  constructor(kind: StoreKind) {
    this.kind = kind;
  }

  async start(): Promise<void> {
    if (this.kind === 'postgres') this.#server = await startPostgres();
  }

  get serverUrl(): string {
    if (!this.#server) throw new Error('No PostgreSQL server: this harness is for SQLite');
    return this.#server.url;
  }

  /** Runs SQL on `databaseUrl`, by default the server's first database. PostgreSQL only. */
  async rawServerQuery(
    sql: string,
    databaseUrl = this.serverUrl,
  ): Promise<Array<Record<string, unknown>>> {
    return queryPostgres(databaseUrl, sql, []);
  }

  async location(): Promise<StoreLocation> {
    const dataDir = mkdtempSync(join(tmpdir(), 'session-tracker-store-'));
    this.#dirs.push(dataDir);
    const databaseUrl = this.#server
      ? await createDatabase(this.#server.url, `store_test_${++this.#databases}`)
      : undefined;
    const secret = randomBytes(32);
    const logs = captureLogs();
    const stores = this.#stores;

    return {
      kind: this.kind,
      secret,
      logs,
      dataDir,
      databaseUrl,
      async open(options = {}) {
        const store = await openStore({
          databaseUrl,
          dataDir,
          secret: options.secret ?? secret,
          logger: options.logger ?? logs.logger,
        });
        stores.push(store);
        return store;
      },
      rawQuery: (sql, params = []) =>
        databaseUrl
          ? queryPostgres(databaseUrl, sql, params)
          : querySqlite(join(dataDir, SQLITE_FILE_NAME), sql, params),
    };
  }

  /** Closes the stores opened since the last call; run after each test. */
  async closeStores(): Promise<void> {
    const stores = this.#stores.splice(0);
    await Promise.all(stores.map((store) => store.close()));
  }

  async stop(): Promise<void> {
    await this.closeStores();
    await this.#server?.stop();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function queryPostgres(
  url: string,
  sql: string,
  params: unknown[],
): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/** Accepts PostgreSQL's `$n` placeholders, as the store's SQL does. */
async function querySqlite(
  file: string,
  sql: string,
  params: unknown[],
): Promise<Array<Record<string, unknown>>> {
  const handle = new Database(file);
  try {
    const order: number[] = [];
    const statement = handle.prepare(
      sql.replace(/\$(\d+)/g, (_, digits: string) => {
        order.push(Number(digits) - 1);
        return '?';
      }),
    );
    const values = order.map((index) => params[index]);
    if (statement.reader) return statement.all(...values) as Array<Record<string, unknown>>;
    statement.run(...values);
    return [];
  } finally {
    handle.close();
  }
}

/** Resolves once `predicate` holds, checking every `intervalMs`; rejects after `attempts`. */
export async function waitUntil(
  description: string,
  predicate: () => boolean | Promise<boolean>,
  { attempts = 200, intervalMs = 50 } = {},
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out waiting until ${description}`);
}

/** Resolves after the wall clock has moved past `since`, so the next timestamp is later. */
export async function waitForClockAfter(since: Date): Promise<void> {
  while (Date.now() <= since.getTime()) await new Promise((resolve) => setTimeout(resolve, 1));
}
