import { readFileSync } from 'node:fs';
import type { BenchChild } from './child-process.ts';

/** Memory of one process, in bytes. */
export interface ProcessMemory {
  /** Resident set size (VmRSS in /proc/<pid>/status). */
  rss: number;
  /** Peak resident set size since the process started (VmHWM). */
  peakRss: number;
  heapUsed: number;
  heapTotal: number;
}

/** Reads a kB field of /proc/<pid>/status (Linux only) and returns it in bytes. */
function statusField(status: string, name: string, pid: number): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match)
    throw new Error(`/proc/${pid}/status has no ${name} line; memory figures need Linux.`);
  return Number(match[1]) * 1024;
}

/** RSS from /proc/<pid>/status, and the heap as the child's process.memoryUsage() reports it. */
export async function readChildMemory(child: BenchChild): Promise<ProcessMemory> {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const heap = await child.request<NodeJS.MemoryUsage>('memory');
  return {
    rss: statusField(status, 'VmRSS', child.pid),
    peakRss: statusField(status, 'VmHWM', child.pid),
    heapUsed: heap.heapUsed,
    heapTotal: heap.heapTotal,
  };
}

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user plus system) a process has used since it started, in ms, from /proc/<pid>/stat.
 * Time spent waiting for the disk (an fsync) counts as neither.
 */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in brackets may contain spaces, so fields are counted after its closing bracket.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / TICKS_PER_SECOND;
}
