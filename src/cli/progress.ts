import cliProgress from 'cli-progress';
import type { RevokeManyProgress } from '../tracker/services/revocation.ts';

export interface ProgressDisplay {
  start(total: number): void;
  update(progress: RevokeManyProgress): void;
  stop(): void;
}

/**
 * Creates a progress bar on stderr when stderr is a terminal, and a display that prints nothing
 * otherwise, so logs and pipes get no control characters.
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  if (!stream.isTTY) return { start: () => {}, update: () => {}, stop: () => {} };

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Revoking [{bar}] {value}/{total} | failed: {failed} | {eta_formatted} left',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start: (total) => {
      bar.start(total, 0, { failed: 0 });
      running = true;
    },
    update: (progress) => {
      if (!running) return;
      bar.setTotal(progress.total);
      bar.update(progress.done, { failed: progress.failed });
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}
