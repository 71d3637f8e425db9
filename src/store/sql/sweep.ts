import type { SqlDatabase } from './database.ts';

/**
 * How long tokens that carry a refresh token are kept after their last update once no session
 * on their device is left. The store does not know the refresh token's lifetime, so this is a
 * bound chosen well above the usual ones (a day for the embedded server, at most weeks for
 * typical Curity settings). A refresh token that outlives it is dropped with its row.
 */
export const TOKEN_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface SweepCounts {
  loginTransactions: number;
  sessions: number;
  tokens: number;
}

/**
 * Deletes what can no longer be used:
 * - login transactions whose `expires_at` is at or before `now`;
 * - sessions whose `expires_at` is at or before `now`;
 * - token rows of a device that has no unexpired session left, when either the row has no
 *   refresh token and its access token expired at or before `now`, or the row was last updated
 *   `TOKEN_RETENTION_MS` or more before `now`.
 * Tokens of a device with a live session are always kept, so its user can still refresh them.
 * Sessions go first, so tokens of a device whose last session has just expired are judged by
 * the same `now`.
 */
export async function sweepExpired(db: SqlDatabase, now: Date): Promise<SweepCounts> {
  const loginTransactions = await db.query(
    'DELETE FROM login_transactions WHERE expires_at <= $1 RETURNING state',
    [now],
  );
  const sessions = await db.query('DELETE FROM sessions WHERE expires_at <= $1 RETURNING id_hash', [
    now,
  ]);
  const tokens = await db.query(
    `DELETE FROM delegation_tokens
     WHERE NOT EXISTS (
         SELECT 1 FROM sessions
         WHERE sessions.device_id = delegation_tokens.device_id AND sessions.expires_at > $1
       )
       AND (
         (refresh_token IS NULL AND access_token_expires_at <= $1)
         OR updated_at <= $2
       )
     RETURNING delegation_id`,
    [now, new Date(now.getTime() - TOKEN_RETENTION_MS)],
  );
  return {
    loginTransactions: loginTransactions.length,
    sessions: sessions.length,
    tokens: tokens.length,
  };
}
