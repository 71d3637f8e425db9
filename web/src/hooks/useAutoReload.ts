import { useEffect } from 'react';
import { subscribeToChanges } from '../api/events.ts';

/**
 * Calls `reload` every `intervalSeconds` and on each change event from the tracker. The poll is
 * what keeps the list current: change events only make it quicker.
 */
export function useAutoReload(reload: () => void, intervalSeconds: number): void {
  useEffect(() => {
    const timer = window.setInterval(reload, Math.max(1, intervalSeconds) * 1000);
    const unsubscribe = subscribeToChanges(reload);
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, [reload, intervalSeconds]);
}
