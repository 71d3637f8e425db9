import { useCallback, useEffect, useRef } from 'react';
import type { DelegationPage } from '../api/types.ts';
import { plural } from '../lib/format.ts';
import { autoReloadPausesStarted } from './useAutoReload.ts';
import { useToast } from './useToast.ts';

interface Baseline {
  page: DelegationPage;
  pausesStarted: number;
}

/**
 * Reports in an info toast the rows that a reload after a change event removed from the user's
 * list, so a session ended by an administrator or another browser does not vanish unexplained.
 * Rows this tab revoked itself are left out: pass their ids to `markRevokedHere` first.
 *
 * NOTE: only the page shown is compared, so a row that a new session pushed to the next page
 * also counts as ended. That needs more sessions than one page holds.
 */
export function useEndedElsewhere(page: DelegationPage | undefined, reload: () => void) {
  const toast = useToast();
  const revokedHere = useRef(new Set<string>());
  const changePending = useRef(false);
  const baseline = useRef<Baseline | null>(null);

  useEffect(() => {
    if (!page) return;
    const before = baseline.current;
    baseline.current = { page, pausesStarted: autoReloadPausesStarted() };
    if (!changePending.current) return;
    changePending.current = false;

    // A revoke-all of this tab, or another page of the list, is no change made elsewhere.
    if (!before || before.pausesStarted !== autoReloadPausesStarted()) return;
    if (before.page.startIndex !== page.startIndex) return;

    const listed = new Set(page.items.map((item) => item.id));
    const ended = before.page.items.filter(
      (item) => !listed.has(item.id) && !revokedHere.current.has(item.id),
    );
    if (ended.length > 0) {
      toast.info(`${plural(ended.length, 'session was', 'sessions were')} ended elsewhere.`);
    }
  }, [page, toast]);

  const reloadAfterChange = useCallback(() => {
    changePending.current = true;
    reload();
  }, [reload]);

  const markRevokedHere = useCallback((id: string) => {
    revokedHere.current.add(id);
  }, []);

  return { reloadAfterChange, markRevokedHere };
}
