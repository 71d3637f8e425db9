import type { ListSizeResult } from '../cases/list.ts';
import type { LoadResult } from '../cases/load.ts';
import type { RevokeRow } from '../cases/revoke.ts';
import type { MachineInfo } from '../lib/machine.ts';
import type { CaseName } from '../lib/options.ts';

/** Everything one `npm run bench` measured, as the report renders it. */
export interface BenchResults {
  startedAt: Date;
  minutes: number;
  command: string;
  quick: boolean;
  durationSeconds: number;
  machine: MachineInfo;
  /** 1-minute load average before and after the run, and as each case started. */
  loadAverage: { before: number; after: number; cases: Partial<Record<CaseName, number>> };
  list?: ListSizeResult[];
  revoke?: RevokeRow[];
  load?: LoadResult;
}
