import type { RevokeStreamEnd } from '../api/types.ts';

/**
 * Carries the counts of a successful revoke-all through the logout redirects, which end on
 * `/?notice=logged_out`. They go to sessionStorage, not the URL, so they stay in this tab and a
 * crafted link cannot set them.
 */

const STORAGE_KEY = 'session-tracker:revoke-all';

export interface RevokeAllCounts {
  revoked: number;
  alreadyRevoked: number;
}

export function saveRevokeAllCounts(end: RevokeStreamEnd): void {
  const counts: RevokeAllCounts = { revoked: end.revoked, alreadyRevoked: end.alreadyRevoked };
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(counts));
  } catch {
    // Storage is off or full: the logout notice then leaves out the counts, nothing else breaks.
  }
}

/** Returns the saved counts and deletes them, so they show once; null when none were saved. */
export function takeRevokeAllCounts(): RevokeAllCounts | null {
  let text: string | null;
  try {
    text = window.sessionStorage.getItem(STORAGE_KEY);
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    return null;
  }
  if (text === null) return null;

  try {
    const value = JSON.parse(text) as Partial<RevokeAllCounts>;
    if (isCount(value.revoked) && isCount(value.alreadyRevoked)) {
      return { revoked: value.revoked, alreadyRevoked: value.alreadyRevoked };
    }
  } catch {
    // Written by another version of the UI: show the plain notice.
  }
  return null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
