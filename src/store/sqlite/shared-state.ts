import { EventEmitter } from 'node:events';
import { KeyedMutex } from '../mutex.ts';

/**
 * Locks and change events of one SQLite file, shared by every store instance of this process
 * that opened it. Another process on the same file would see neither, which is why a SQLite
 * store is meant to be used by one process.
 */
export interface SqliteSharedState {
  /** Locks of `withLock`. */
  readonly locks: KeyedMutex;
  /** Serialises migrations of instances in this process; BEGIN IMMEDIATE covers other processes. */
  readonly migrations: KeyedMutex;
  readonly events: EventEmitter;
}

interface Entry {
  state: SqliteSharedState;
  users: number;
}

const byFile = new Map<string, Entry>();

/** Returns the state of `file` (an absolute path) and counts one more user of it. */
export function acquireSharedState(file: string): SqliteSharedState {
  let entry = byFile.get(file);
  if (!entry) {
    const events = new EventEmitter();
    events.setMaxListeners(0);
    entry = {
      state: { locks: new KeyedMutex(), migrations: new KeyedMutex(), events },
      users: 0,
    };
    byFile.set(file, entry);
  }
  entry.users += 1;
  return entry.state;
}

export function releaseSharedState(file: string): void {
  const entry = byFile.get(file);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users <= 0) byFile.delete(file);
}
