import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.ts';

export type SqliteDatabase = Database.Database;

/** File name of the embedded server's state inside `idp.dataDir`. */
export const DATABASE_FILE = 'idp.sqlite';

/**
 * Opens (creating it when missing) the embedded server's SQLite file in `dataDir`, switches it to
 * WAL mode and applies pending schema steps in one transaction.
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));

  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the
  // last transactions, which is acceptable for a development server.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Another process (`idp seed`) may hold the write lock for a few seconds.
  db.pragma('busy_timeout = 10000');

  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `The embedded server's database has schema version ${version}, newer than this program's ${MIGRATIONS.length}. Use a newer program or another idp.dataDir.`,
      );
    }
    for (let step = version; step < MIGRATIONS.length; step += 1) {
      db.exec(MIGRATIONS[step]!);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  apply.immediate();
}
