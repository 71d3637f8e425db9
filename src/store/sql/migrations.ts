import type { Logger } from '../../shared/logger.ts';
import type { ColumnTypes, SqlDatabase } from './database.ts';

export interface Migration {
  version: number;
  name: string;
  /** Statements in order; each is run on its own because SQLite runs one statement a call. */
  statements(types: ColumnTypes): string[];
}

/**
 * Every schema change, oldest first. Versions only grow, and an applied migration is never
 * edited: a change to the schema is a new entry. Tokens are stored as `v1.` ciphertext text.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (t) => [
      `CREATE TABLE login_transactions (
        state ${t.text} PRIMARY KEY,
        nonce ${t.text} NOT NULL,
        code_verifier ${t.text} NOT NULL,
        client_id ${t.text} NOT NULL,
        device_id ${t.text} NOT NULL,
        expires_at ${t.timestamp} NOT NULL
      )${t.tableOptions}`,
      `CREATE INDEX login_transactions_expires_at ON login_transactions (expires_at)`,

      `CREATE TABLE sessions (
        id_hash ${t.text} PRIMARY KEY,
        username ${t.text} NOT NULL,
        claims ${t.json} NOT NULL,
        is_admin ${t.boolean} NOT NULL,
        device_id ${t.text} NOT NULL,
        csrf_token ${t.text} NOT NULL,
        id_token ${t.text},
        client_id ${t.text} NOT NULL,
        created_at ${t.timestamp} NOT NULL,
        expires_at ${t.timestamp} NOT NULL
      )${t.tableOptions}`,
      `CREATE INDEX sessions_device_id ON sessions (device_id)`,
      `CREATE INDEX sessions_expires_at ON sessions (expires_at)`,

      `CREATE TABLE devices (
        id ${t.text} PRIMARY KEY,
        public_id ${t.text} NOT NULL UNIQUE,
        user_agent ${t.text} NOT NULL,
        browser ${t.text} NOT NULL,
        os ${t.text} NOT NULL,
        first_seen ${t.timestamp} NOT NULL,
        last_seen ${t.timestamp} NOT NULL
      )${t.tableOptions}`,

      `CREATE TABLE delegation_tokens (
        delegation_id ${t.text} PRIMARY KEY,
        owner ${t.text} NOT NULL,
        client_id ${t.text} NOT NULL,
        device_id ${t.text} NOT NULL,
        access_token ${t.text} NOT NULL,
        refresh_token ${t.text},
        access_token_expires_at ${t.timestamp},
        updated_at ${t.timestamp} NOT NULL
      )${t.tableOptions}`,
      `CREATE INDEX delegation_tokens_device_id ON delegation_tokens (device_id)`,

      `CREATE TABLE audit_log (
        id ${t.identity},
        at ${t.timestamp} NOT NULL,
        actor ${t.text} NOT NULL,
        actor_is_admin ${t.boolean} NOT NULL,
        action ${t.text} NOT NULL,
        delegation_id ${t.text},
        scim_id ${t.text},
        owner ${t.text},
        client_id ${t.text},
        result ${t.text} NOT NULL,
        detail ${t.text},
        correlation_id ${t.text}
      )${t.tableOptions}`,
      // Each filter of queryAudit pages by id, so its index ends in id.
      `CREATE INDEX audit_log_actor ON audit_log (actor, id)`,
      `CREATE INDEX audit_log_owner ON audit_log (owner, id)`,
      `CREATE INDEX audit_log_action ON audit_log (action, id)`,
      `CREATE INDEX audit_log_result ON audit_log (result, id)`,
      `CREATE INDEX audit_log_at ON audit_log (at)`,
    ],
  },
];

export const CREATE_MIGRATIONS_TABLE = (t: ColumnTypes): string =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name ${t.text} NOT NULL,
    applied_at ${t.timestamp} NOT NULL
  )${t.tableOptions}`;

/**
 * Applies the migrations that `schema_migrations` lacks, in version order. The caller runs this
 * inside a transaction that holds a lock which every instance takes before migrating, so two
 * instances never apply the same version.
 */
export async function applyPendingMigrations(
  db: SqlDatabase,
  types: ColumnTypes,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await db.query(CREATE_MIGRATIONS_TABLE(types));
  const rows = await db.query<{ version: unknown }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => Number(row.version)));
  rejectNewerSchema(applied, migrations);

  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements(types)) await db.query(statement);
    await db.query(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
      [migration.version, migration.name, new Date()],
    );
    logger.info(
      { version: migration.version, migration: migration.name },
      'Applied store migration',
    );
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}

function rejectNewerSchema(applied: Set<number>, migrations: readonly Migration[]): void {
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  const newest = Math.max(0, ...applied);
  if (newest > known) {
    throw new Error(
      `The database schema is at version ${newest}, but this build knows versions up to ${known}. Run the build that last migrated this database, or a newer one.`,
    );
  }
}
