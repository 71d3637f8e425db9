import { useEffect, useState } from 'react';
import { plural } from '../lib/format.ts';
import { takeRevokeAllCounts, type RevokeAllCounts } from '../lib/revokeAllCounts.ts';

export interface Notice {
  kind: 'info' | 'error';
  message: string;
}

// Codes the tracker puts in `/?notice=` after a sign-in or logout redirect (docs/api.md).
const NOTICES: Record<string, Notice> = {
  login_expired: {
    kind: 'error',
    message: 'That sign-in link was already used or has expired. Sign in again.',
  },
  login_denied: {
    kind: 'error',
    message:
      'The authorization server denied the sign-in, or it was cancelled there. Sign in again to continue.',
  },
  login_failed: {
    kind: 'error',
    message:
      'The sign-in could not be completed with the authorization server. Try again; if it keeps failing, ask an administrator to check the tracker log.',
  },
  clock_skew: {
    kind: 'error',
    message:
      "The sign-in failed because the clocks of this tracker and the authorization server differ too much. Ask an administrator to synchronise both servers' clocks.",
  },
  logged_out: { kind: 'info', message: 'You are logged out.' },
};

// Read once when the page loads: every later load is a new visit and must not repeat the counts.
const revokeAllCounts = takeRevokeAllCounts();

function readNotice(): Notice | null {
  const code = new URLSearchParams(window.location.search).get('notice');
  if (code === null) return null;
  if (code === 'logged_out' && revokeAllCounts) {
    return { kind: 'info', message: `You are logged out. ${revokedSentence(revokeAllCounts)}` };
  }
  return (
    NOTICES[code] ?? {
      kind: 'error',
      message: `The sign-in did not complete (${code}). Sign in again.`,
    }
  );
}

/**
 * Returns the notice of the `?notice=` query parameter and a function that dismisses it. The query is
 * removed from the address bar right away, so a reload does not show the notice again.
 */
export function useNotice(): [Notice | null, () => void] {
  const [notice, setNotice] = useState(readNotice);

  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has('notice')) return;
    url.searchParams.delete('notice');
    window.history.replaceState(
      window.history.state,
      '',
      `${url.pathname}${url.search}${url.hash}`,
    );
  }, []);

  return [notice, () => setNotice(null)];
}

function revokedSentence({ revoked, alreadyRevoked }: RevokeAllCounts): string {
  const already =
    alreadyRevoked > 0 ? `, and ${plural(alreadyRevoked, 'was', 'were')} already revoked` : '';
  return `${plural(revoked, 'session was', 'sessions were')} revoked${already}.`;
}
