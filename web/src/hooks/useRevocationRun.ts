import { useCallback, useState } from 'react';
import type { RevokeStreamEnd, RevokeStreamEvent } from '../api/types.ts';

export type RevocationRun =
  | { phase: 'idle' }
  /** `total` is null until the stream's `start` line arrives. */
  | { phase: 'running'; done: number; failed: number; total: number | null }
  | { phase: 'finished'; end: RevokeStreamEnd }
  | { phase: 'error'; error: unknown };

export type RevocationTask = (
  onEvent: (event: RevokeStreamEvent) => void,
) => Promise<RevokeStreamEnd>;

/**
 * Tracks one streamed revocation (revoke-all or a bulk revocation) from its progress lines.
 * `start` resolves to the final event, or to null when the run failed as a whole.
 */
export function useRevocationRun(): {
  run: RevocationRun;
  start: (task: RevocationTask) => Promise<RevokeStreamEnd | null>;
} {
  const [run, setRun] = useState<RevocationRun>({ phase: 'idle' });

  const start = useCallback(async (task: RevocationTask) => {
    setRun({ phase: 'running', done: 0, failed: 0, total: null });
    try {
      const end = await task((event) => {
        if (event.type === 'start')
          setRun({ phase: 'running', done: 0, failed: 0, total: event.total });
        if (event.type === 'progress') setRun({ phase: 'running', ...event });
      });
      setRun({ phase: 'finished', end });
      return end;
    } catch (error) {
      setRun({ phase: 'error', error });
      return null;
    }
  }, []);

  return { run, start };
}
