import { useEffect } from 'react';
import { subscribeToChanges } from '../api/events.ts';

// A revocation of many delegations sends one change event for each; reading the list once after
// a burst is enough.
const EVENT_DEBOUNCE_MS = 400;

let pauses = 0;
let pausesStarted = 0;

/**
 * Stops every automatic reload until the returned function is called. Revoke-all uses it: the
 * session ends when the run succeeds, and a reload during the run would only race that.
 */
export function pauseAutoReload(): () => void {
  pauses += 1;
  pausesStarted += 1;
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    pauses -= 1;
  };
}

/**
 * Returns how many pauses have started since the page loaded. A list that changed while this
 * number changed may have lost rows to this tab's own revoke-all.
 */
export function autoReloadPausesStarted(): number {
  return pausesStarted;
}

/**
 * Calls `reload` every `intervalSeconds`, and `reloadAfterChange` (by default `reload`) after
 * change events from the tracker. The poll is what keeps the list current: change events only
 * make it quicker.
 */
export function useAutoReload(
  reload: () => void,
  intervalSeconds: number,
  reloadAfterChange: () => void = reload,
): void {
  useEffect(() => {
    const reloadUnlessPaused = () => {
      if (pauses === 0) reload();
    };
    let pending: number | undefined;
    const onChange = () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => {
        if (pauses === 0) reloadAfterChange();
      }, EVENT_DEBOUNCE_MS);
    };

    const timer = window.setInterval(reloadUnlessPaused, Math.max(1, intervalSeconds) * 1000);
    const unsubscribe = subscribeToChanges(onChange);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(pending);
      unsubscribe();
    };
  }, [reload, intervalSeconds, reloadAfterChange]);
}
