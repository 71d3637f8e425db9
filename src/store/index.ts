import { join } from 'node:path';
import type { Logger } from '../shared/logger.ts';
import { TokenCipher } from './crypto.ts';
import { PostgresStore } from './postgres/store.ts';
import { SqliteStore } from './sqlite/store.ts';
import type { TrackerStore } from './types.ts';

export type * from './types.ts';

export interface OpenStoreOptions {
  /** `postgres://` or `postgresql://` URL; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
  dataDir: string;
  /** At least 32 random bytes; the token encryption key is derived from it. */
  secret: Buffer;
  logger: Logger;
}

export const SQLITE_FILE_NAME = 'tracker.sqlite';

/**
 * Opens the store named by `databaseUrl` (SQLite file `${dataDir}/tracker.sqlite` when it is
 * undefined) and applies pending schema migrations before returning.
 */
export async function openStore(options: OpenStoreOptions): Promise<TrackerStore> {
  const cipher = new TokenCipher(options.secret);
  const logger = options.logger.child({ module: 'store' });
  const { databaseUrl, dataDir } = options;
  const useSqlite = databaseUrl === undefined || databaseUrl === '';
  if (!useSqlite && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error(
      `Unsupported database URL scheme in "${describeUrl(databaseUrl)}": use postgres:// or postgresql://, or leave database.url unset for SQLite in tracker.dataDir.`,
    );
  }

  let store: TrackerStore | undefined;
  try {
    store = useSqlite
      ? SqliteStore.open(join(dataDir, SQLITE_FILE_NAME), cipher, logger)
      : PostgresStore.open(databaseUrl, cipher, logger);
    await store.migrate();
  } catch (error) {
    await store?.close().catch(() => undefined);
    const fix = useSqlite
      ? `Check that tracker.dataDir (${dataDir}) is a writable folder.`
      : 'Check database.url and that the server is reachable and accepts the credentials.';
    throw new Error(
      `Failed to open the ${useSqlite ? 'SQLite' : 'PostgreSQL'} store: ${(error as Error).message}. ${fix}`,
      { cause: error },
    );
  }

  logger.info({ kind: store.kind }, 'Opened the tracker store');
  return store;
}

/** Returns only the URL's scheme, because the rest may contain a password. */
function describeUrl(databaseUrl: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
  return scheme ? `${scheme}:…` : '(not a URL)';
}
