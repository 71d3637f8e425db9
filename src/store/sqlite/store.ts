import { closeSync, mkdirSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../shared/logger.ts';
import type { TokenCipher } from '../crypto.ts';
import { decodeChangeEvent, deliverChangeEvent, encodeChangeEvent } from '../events.ts';
import { applyPendingMigrations } from '../sql/migrations.ts';
import { SqlStore } from '../sql/store.ts';
import type { AuditEntry, AuditEntryInput, ChangeEvent } from '../types.ts';
import { AuditBatcher } from './audit-batch.ts';
import { SQLITE_TYPES, SqliteDatabase } from './database.ts';
import { acquireSharedState, releaseSharedState, type SqliteSharedState } from './shared-state.ts';

const CHANGE_EVENT = 'change';
/** How long a write waits for another process's write lock before SQLITE_BUSY, in ms. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * TrackerStore on one SQLite file. One process owns the file: locks and change events live in
 * this process's memory (shared by its instances on the same file) and are invisible to another
 * process, so several tracker processes need PostgreSQL.
 */
export class SqliteStore extends SqlStore {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  readonly #sqlite: SqliteDatabase;
  readonly #shared: SqliteSharedState;
  readonly #audit: AuditBatcher;
  readonly #listeners = new Set<(payload: string) => void>();
  #closed = false;

  private constructor(file: string, sqlite: SqliteDatabase, cipher: TokenCipher, logger: Logger) {
    super(sqlite, cipher, logger);
    this.file = file;
    this.#sqlite = sqlite;
    this.#shared = acquireSharedState(file);
    this.#audit = new AuditBatcher(sqlite.handle, sqlite);
  }

  /** Opens (creating if needed) `file` with write-ahead logging and full sync. Does not migrate. */
  static open(file: string, cipher: TokenCipher, logger: Logger): SqliteStore {
    const path = resolve(file);
    createPrivateFile(path);
    const handle = new Database(path);
    try {
      handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      handle.pragma('journal_mode = WAL');
      // FULL syncs the WAL on every commit, so an audit entry survives a power loss once
      // appendAudit returns; NORMAL would only guarantee it at the next checkpoint.
      handle.pragma('synchronous = FULL');
    } catch (error) {
      handle.close();
      throw error;
    }
    return new SqliteStore(path, new SqliteDatabase(handle), cipher, logger);
  }

  async migrate(): Promise<void> {
    // Instances of this process take turns first: a second handle's BEGIN IMMEDIATE would wait
    // for the lock synchronously, blocking the event loop that the first transaction needs.
    await this.#shared.migrations.run('migrate', async () => {
      const handle = this.#sqlite.handle;
      handle.exec('BEGIN IMMEDIATE');
      try {
        await applyPendingMigrations(this.#sqlite, SQLITE_TYPES, this.logger);
        handle.exec('COMMIT');
      } catch (error) {
        if (handle.inTransaction) handle.exec('ROLLBACK');
        throw error;
      }
    });
  }

  override async appendAudit(entry: AuditEntryInput): Promise<AuditEntry> {
    return this.#audit.append(entry, new Date());
  }

  async withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#shared.locks.run(key, task);
  }

  async publish(event: ChangeEvent): Promise<void> {
    const payload = encodeChangeEvent(event);
    // Delivered on a later turn of the event loop, as PostgreSQL's NOTIFY would be.
    setImmediate(() => this.#shared.events.emit(CHANGE_EVENT, payload));
  }

  async subscribe(listener: (event: ChangeEvent) => void): Promise<() => Promise<void>> {
    const onPayload = (payload: string): void => {
      // Each listener parses its own copy, so one listener's changes stay out of another's.
      deliverChangeEvent([listener], decodeChangeEvent(payload), (error) =>
        this.logger.error({ err: error }, 'A change event listener failed'),
      );
    };
    this.#listeners.add(onPayload);
    this.#shared.events.on(CHANGE_EVENT, onPayload);
    return async () => {
      this.#listeners.delete(onPayload);
      this.#shared.events.off(CHANGE_EVENT, onPayload);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const onPayload of this.#listeners) this.#shared.events.off(CHANGE_EVENT, onPayload);
    this.#listeners.clear();
    this.#audit.flush();
    releaseSharedState(this.file);
    this.#sqlite.handle.close();
  }
}

/** Creates the database file readable by its owner only, before SQLite creates it otherwise. */
function createPrivateFile(path: string): void {
  mkdirSync(resolve(path, '..'), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}
