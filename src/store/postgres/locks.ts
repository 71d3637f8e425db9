import type pg from 'pg';
import type { Logger } from '../../shared/logger.ts';

/**
 * First key of the two-key advisory locks this store takes. PostgreSQL keeps two-key and
 * single-key advisory locks apart (manual, "Advisory Lock Functions"), so only another
 * application's two-key locks with the same first key could collide. The values spell "STl1"
 * and "STm1" in ASCII.
 */
const TASK_LOCK_NAMESPACE = 0x53546c31;
const MIGRATION_LOCK_NAMESPACE = 0x53546d31;
const MIGRATION_LOCK_KEY = 1;

/**
 * Takes the migration lock for the rest of the client's open transaction. PostgreSQL releases it
 * at COMMIT or ROLLBACK.
 */
export async function lockMigrations(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
    MIGRATION_LOCK_NAMESPACE,
    MIGRATION_LOCK_KEY,
  ]);
}

/**
 * Runs `task` holding a session-level advisory lock on `key` on a connection of `pool`, which
 * every instance on the same database respects. Keys are hashed to 32 bits with `hashtext`, so
 * two keys may share a lock: they then only wait for each other, which is safe.
 */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  key: string,
  task: () => Promise<T>,
  logger: Logger,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no error listener, and an unhandled 'error' would end the process.
  // If the connection drops, PostgreSQL frees the lock with the session.
  const onError = (error: Error): void => {
    logger.error({ err: error, lockKey: key }, 'Lost the connection that held an advisory lock');
  };
  client.on('error', onError);

  let releaseError: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [TASK_LOCK_NAMESPACE, key]);
  } catch (error) {
    client.off('error', onError);
    client.release(error as Error);
    throw error;
  }
  try {
    return await task();
  } finally {
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TASK_LOCK_NAMESPACE, key]);
    } catch (error) {
      // Destroying the connection below ends its session, which releases the lock.
      releaseError = error as Error;
      logger.error({ err: error, lockKey: key }, 'Failed to release an advisory lock');
    }
    client.off('error', onError);
    client.release(releaseError);
  }
}
