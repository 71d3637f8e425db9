import { createHash, randomUUID } from 'node:crypto';
import type { IdpConfig } from '../config/idp.ts';
import { openDatabase, type SqliteDatabase } from './store/database.ts';
import { nowSeconds } from './store/delegations.ts';
import { DELEGATION_INDEXES } from './store/schema.ts';

export interface SeedOptions {
  /** Number of generated users, named user000000, user000001, … */
  users: number;
  /** Delegations spread over the generated users. */
  delegations: number;
  /** Client ids of the delegations; the configured web clients by default. */
  clients?: string[];
  /** Extra delegations for one named user, e.g. a demo account. */
  owner?: { username: string; count: number };
}

/**
 * Inserts below this many rows keep the indexes live. Larger loads that at least double the table
 * drop the indexes and rebuild them, because that is several times faster than updating them row
 * by row.
 */
const INDEX_REBUILD_THRESHOLD = 50_000;
/** Page cache of the seeding connection, in KiB: enough for the indexes of about a million rows. */
const SEED_CACHE_KIB = 256 * 1024;
const DAY = 86_400;
/** Share of generated delegations that are revoked. */
const REVOKED_SHARE = 0.1;
/** Share of generated delegations whose client sent no user_agent_id. */
const WITHOUT_USER_AGENT_SHARE = 0.05;

interface SeedClient {
  id: string;
  redirectUri: string | null;
}

/**
 * Fills the embedded server's store directly with realistic delegations. Owners get a skewed
 * number of delegations each, spread over the demo clients. Creation times fall in the last 30
 * days and expiry times in the next 30 days. One in ten is revoked, and `user_agent_id` values
 * come from up to three devices per owner.
 *
 * Everything is inserted in one transaction. Other processes using the file wait for it (up to
 * their busy timeout), so seed while the server is stopped or idle.
 */
export async function seedDelegations(
  config: IdpConfig,
  options: SeedOptions,
): Promise<{ inserted: number; seconds: number }> {
  assertSeedOptions(options);
  const clients = seedClients(config, options.clients);
  const started = performance.now();
  const db = openDatabase(config.dataDir);
  // The unique index on random UUIDs is written all over; a large page cache keeps those
  // writes in memory until the commit. The setting lasts as long as this connection.
  db.pragma(`cache_size = -${SEED_CACHE_KIB}`);

  try {
    const extra = options.owner?.count ?? 0;
    const inserted = options.delegations + extra;
    const rebuildIndexes = inserted >= INDEX_REBUILD_THRESHOLD && inserted >= countDelegations(db);
    const insert = createInserter(db, clients);

    const load = db.transaction(() => {
      if (rebuildIndexes) dropIndexes(db);
      for (let n = 0; n < options.delegations; n += 1) insert(generatedOwner(options.users));
      for (let n = 0; n < extra; n += 1) insert(options.owner!.username);
      if (rebuildIndexes) createIndexes(db);
    });
    load.immediate();

    return { inserted, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

function assertSeedOptions(options: SeedOptions): void {
  const counts: Array<[string, number]> = [
    ['users', options.users],
    ['delegations', options.delegations],
    ['count', options.owner?.count ?? 0],
  ];
  for (const [name, value] of counts) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a whole number of 0 or more, not ${value}.`);
    }
  }
  if (options.delegations > 0 && options.users < 1) {
    throw new RangeError(
      `users must be at least 1 to spread ${options.delegations} delegations over.`,
    );
  }
  if (options.owner && options.owner.username.trim() === '') {
    throw new RangeError(
      'The owner username is empty. Name the user who gets the extra delegations.',
    );
  }
}

function seedClients(config: IdpConfig, ids: string[] | undefined): SeedClient[] {
  const webClients = config.clients.filter((client) => client.kind === 'web');
  const chosen = ids ?? webClients.map((client) => client.id);
  if (chosen.length === 0) {
    throw new RangeError(
      'No client to seed delegations for: configure a web client or name clients.',
    );
  }
  return chosen.map((id) => ({
    id,
    redirectUri: webClients.find((client) => client.id === id)?.redirectUris[0] ?? null,
  }));
}

function createInserter(db: SqliteDatabase, clients: SeedClient[]): (owner: string) => void {
  const statement = db.prepare(`
    INSERT INTO delegations (id, owner, client_id, status, scope, redirect_uri, created, expires, last_modified, custom_data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const now = nowSeconds();

  return (owner) => {
    const client = clients[Math.floor(Math.random() * clients.length)]!;
    const created = now - randomBetween(0, 30 * DAY);
    const revoked = Math.random() < REVOKED_SHARE;
    const lastModified = revoked ? randomBetween(created, now) : created;
    const customData =
      Math.random() < WITHOUT_USER_AGENT_SHARE
        ? '{}'
        : JSON.stringify({ user_agent_id: deviceId(owner) });

    statement.run(
      randomUUID(),
      owner,
      client.id,
      revoked ? 'revoked' : 'issued',
      Math.random() < 0.9 ? 'openid profile' : 'openid',
      client.redirectUri,
      created,
      now + randomBetween(10 * 60, 30 * DAY),
      lastModified,
      customData,
    );
  };
}

/**
 * Picks a generated owner. Squaring a uniform number makes low-numbered users own many more
 * delegations than high-numbered ones, as a few heavy users do in real deployments.
 */
function generatedOwner(users: number): string {
  const index = Math.floor(users * Math.random() ** 2);
  return `user${String(index).padStart(6, '0')}`;
}

/** Returns one of three stable public device ids of the owner. */
function deviceId(owner: string): string {
  const device = Math.floor(Math.random() * 3);
  return createHash('sha256').update(`${owner}/${device}`).digest('base64url').slice(0, 16);
}

function randomBetween(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function countDelegations(db: SqliteDatabase): number {
  const row = db
    .prepare<[], { total: number }>('SELECT sum(total) AS total FROM delegation_counts')
    .get();
  return row?.total ?? 0;
}

function dropIndexes(db: SqliteDatabase): void {
  for (const name of Object.keys(DELEGATION_INDEXES)) db.exec(`DROP INDEX IF EXISTS ${name}`);
}

function createIndexes(db: SqliteDatabase): void {
  for (const [name, target] of Object.entries(DELEGATION_INDEXES))
    db.exec(`CREATE INDEX ${name} ON ${target}`);
}
