import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  nodeVersion: string;
  os: string;
}

/** Describes the machine the benchmark runs on, from Node's os module and /etc/os-release. */
export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    os: `${distributionName() ?? os.type()} (kernel ${os.release()}, ${os.arch()})`,
  };
}

/** The 1-minute load average: other processes on the machine compete with the benchmark for its cores. */
export function loadAverage(): number {
  return os.loadavg()[0]!;
}

function distributionName(): string | undefined {
  if (!existsSync('/etc/os-release')) return undefined;
  const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
  return match?.[1];
}
