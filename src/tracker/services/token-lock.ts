import type { TrackerStore } from '../../store/types.ts';

/**
 * Returns the lock key of one delegation's stored tokens. The `refresh:` prefix is the key's
 * earlier name, kept so that instances of the previous build still exclude these during a
 * rolling upgrade.
 */
export function tokenLockKey(delegationId: string): string {
  return `refresh:${delegationId}`;
}

/**
 * Runs `task` holding the lock on one delegation's stored tokens, which every instance sharing
 * the store respects. A refresh holds it from reading the refresh token until the rotated one is
 * saved, and revocation holds it while deleting the tokens, so a refresh in flight on another
 * instance can neither send a spent refresh token nor save tokens back after the delete.
 */
export function withTokenLock<T>(
  store: Pick<TrackerStore, 'withLock'>,
  delegationId: string,
  task: () => Promise<T>,
): Promise<T> {
  return store.withLock(tokenLockKey(delegationId), task);
}
