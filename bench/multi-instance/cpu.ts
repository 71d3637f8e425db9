import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of the times in /proc/<pid>/stat (proc(5)); 100 on most Linux systems. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Processes whose CPU time is measured together, by name, e.g. `tracker-0` or `postgres`. */
export type ProcessGroups = Record<string, () => number[]>;

/** CPU seconds (user and system) each group has used since its processes started. */
export type CpuSnapshot = Record<string, number>;

/** Takes the CPU seconds of every group that has processes at the moment; others are left out. */
export function snapshotCpu(groups: ProcessGroups): CpuSnapshot {
  const snapshot: CpuSnapshot = {};
  for (const [name, listPids] of Object.entries(groups)) {
    const pids = listPids();
    if (pids.length > 0) snapshot[name] = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }
  return snapshot;
}

/** CPU seconds each group used between two snapshots. */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  return Object.fromEntries(
    Object.entries(after).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]),
  );
}

/**
 * Returns `pid` and its child processes: for PostgreSQL, the postmaster and its backends. A
 * backend that exits between two snapshots takes its CPU time with it, which is why the
 * connection pools that keep their connections open matter here.
 */
export function processTree(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((candidate) => parentOf(candidate) === pid);
  return [pid, ...children];
}

/** Returns the parent pid of `pid`, or undefined when the process has gone. */
export function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (proc(5)); index 0 here is field 3.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Fields after the command name, which may itself contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}
