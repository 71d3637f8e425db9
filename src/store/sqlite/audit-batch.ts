import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDatabase } from '../sql/database.ts';
import { insertAuditEntry } from '../sql/audit.ts';
import type { AuditEntry, AuditEntryInput } from '../types.ts';

interface Pending {
  entry: AuditEntryInput;
  at: Date;
  resolve: (entry: AuditEntry) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for audit entries: entries appended in the same turn of the event loop are written
 * in one transaction, so with `synchronous = FULL` they share one fsync instead of paying one each.
 * Each caller's promise still settles only after its own entry is committed (or failed), so an
 * entry is durable when `append` resolves, as it is without batching.
 */
export class AuditBatcher {
  readonly #handle: BetterSqlite3.Database;
  readonly #db: SqlDatabase;
  #pending: Pending[] = [];

  constructor(handle: BetterSqlite3.Database, db: SqlDatabase) {
    this.#handle = handle;
    this.#db = db;
  }

  append(entry: AuditEntryInput, at: Date): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.flush());
      this.#pending.push({ entry, at, resolve, reject });
    });
  }

  /** Writes the waiting entries now. The store calls it before it closes the database. */
  flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;

    let inserts: Promise<AuditEntry>[];
    try {
      // better-sqlite3 runs each INSERT synchronously when insertAuditEntry is called, so all of
      // them run inside this transaction. A failed INSERT rejects only its own promise.
      inserts = this.#handle.transaction(() =>
        batch.map((pending) => insertAuditEntry(this.#db, pending.entry, pending.at)),
      )();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }

    batch.forEach((pending, index) => inserts[index]!.then(pending.resolve, pending.reject));
  }
}
