import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { CpuSnapshot } from './cpu.ts';
import type { EventLatency } from './event-latency.ts';
import type { LoadFigures } from './load.ts';

export interface LoadRun {
  label: string;
  /** 1 for the first time this configuration was measured, 2 for the second, … */
  round: number;
  figures: LoadFigures;
  /** CPU seconds each process group used during the run. */
  cpu: CpuSnapshot;
}

export interface MultiInstanceResults {
  startedAt: Date;
  command: string;
  postgresVersion: string;
  loadAverageBefore: number;
  backgroundDelegations: number;
  warmUpSeconds: number;
  runs: LoadRun[];
  events: EventLatency;
}

export const SECTION_TITLE = '## Several instances on PostgreSQL';

/** Renders the results as one Markdown section of docs/benchmarks.md. */
export function renderSection(results: MultiInstanceResults): string {
  const [first] = results.runs;
  const lines = [
    SECTION_TITLE,
    '',
    `Measured with \`${results.command}\` on ${results.startedAt.toISOString().slice(0, 10)}, on ${describeMachine()}.`,
    loadSentence(results.loadAverageBefore),
    '',
    'Every process runs on this one machine: PostgreSQL ' +
      `${results.postgresVersion} (a throwaway server from \`test/helpers/postgres.ts\`, with \`fsync=off\`), ` +
      `the embedded authorization server with ${results.backgroundDelegations.toLocaleString('en')} seeded delegations, ` +
      'each tracker instance as `session-tracker start` in external mode, and the round-robin proxy of ' +
      '`test/multi-instance/helpers/round-robin-proxy.ts` in a process of its own. The load generator (autocannon, in the ' +
      `benchmark process) holds ${first?.figures.connections ?? 0} signed-in sessions, one connection each, and each ` +
      'connection repeats the dashboard list (`GET /api/delegations`, one SCIM page of 50) and an introspection of its own ' +
      `delegation, for ${first?.figures.durationSeconds ?? 0} s per run after a ${results.warmUpSeconds} s warm-up.`,
    '',
    'The three configurations took turns, one run each per round, in the order of the table.',
    '',
    '| configuration | round | requests/s | p50 (ms) | p99 (ms) | max (ms) | non-2xx | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...byConfiguration(results.runs).map(
      ({ label, round, figures }) =>
        `| ${label} | ${round} | ${figures.requestsPerSecond.toFixed(0)} | ${figures.latencyP50Ms} | ${figures.latencyP99Ms} | ${figures.latencyMaxMs} | ${figures.non2xx} | ${figures.errors} |`,
    ),
    ...comparison(results.runs),
    '',
    ...cpuTable(results.runs),
    '',
    '### Revocation to change event on the other instance',
    '',
    `${results.events.samples} revocations, one at a time, through instance A (\`DELETE /api/admin/delegations/:id\`), ` +
      "while an administrator's event stream is open on instance B. Times run from sending the request.",
    '',
    '| | p50 (ms) | p95 (ms) | max (ms) |',
    '| --- | ---: | ---: | ---: |',
    latencyRow('response from A', results.events.responseMs),
    latencyRow('`delegation-revoked` event from B', results.events.eventMs),
    '',
    'A dashboard reloads its list 400 ms after the last event of a burst, so it shows a revocation made through ' +
      'another instance after the event time above, plus 400 ms, plus one list request.',
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes the section into `file` when it exists: in place of an earlier section with the same
 * title, else at the end. When `file` does not exist, writes it to `fallback` instead, so that
 * this script never creates the report that bench/run.ts writes. Returns the path written.
 */
export function writeSection(section: string, file: string, fallback: string): string {
  if (!existsSync(file)) {
    writeFileSync(fallback, `# Benchmarks: several instances\n\n${section}`);
    return fallback;
  }

  const existing = readFileSync(file, 'utf8');
  const start = existing.indexOf(`\n${SECTION_TITLE}\n`);
  if (start === -1) {
    writeFileSync(file, `${existing.trimEnd()}\n\n${section}`);
    return file;
  }
  const bodyStart = start + 1 + SECTION_TITLE.length;
  const nextSection = existing.slice(bodyStart).search(/\n## /);
  const rest = nextSection === -1 ? '' : `\n${existing.slice(bodyStart + nextSection + 1)}`;
  writeFileSync(file, `${existing.slice(0, start + 1)}${section}${rest}`);
  return file;
}

function cpuTable(runs: LoadRun[]): string[] {
  const groups = [...new Set(runs.flatMap((run) => Object.keys(run.cpu)))];
  return [
    'CPU time each process used during a run, as a share of one core (100 % is one core busy for the whole run):',
    '',
    `| configuration | ${groups.join(' | ')} |`,
    `| --- | ${groups.map(() => '---:').join(' | ')} |`,
    ...byConfiguration(runs).map((run) => {
      const shares = groups.map((group) => {
        const seconds = run.cpu[group];
        return seconds === undefined
          ? ''
          : `${((seconds / run.figures.durationSeconds) * 100).toFixed(0)} %`;
      });
      return `| ${run.label}, round ${run.round} | ${shares.join(' | ')} |`;
    }),
  ];
}

/** Returns the runs grouped by configuration, in the order the configurations first ran. */
function byConfiguration(runs: LoadRun[]): LoadRun[] {
  const labels = [...new Set(runs.map((run) => run.label))];
  return labels.flatMap((label) => runs.filter((run) => run.label === label));
}

/**
 * States the mean throughput of the last configuration against the one before it, and the CPU
 * that the last configuration's runs used.
 */
function comparison(runs: LoadRun[]): string[] {
  const labels = [...new Set(runs.map((run) => run.label))];
  const [baseline, last] = labels
    .slice(-2)
    .map((label) => runs.filter((run) => run.label === label));
  if (!baseline?.length || !last?.length) return [];

  const meanRate = (group: LoadRun[]) =>
    group.reduce((sum, run) => sum + run.figures.requestsPerSecond, 0) / group.length;
  const ratio = meanRate(last) / meanRate(baseline);
  const cpuSeconds = last.reduce(
    (sum, run) => sum + Object.values(run.cpu).reduce((a, b) => a + b, 0),
    0,
  );
  const runSeconds = last.reduce((sum, run) => sum + run.figures.durationSeconds, 0);
  return [
    '',
    `Averaged over the rounds, ${last[0]!.label} served ${ratio.toFixed(2)} times the requests per second of ` +
      `${baseline[0]!.label}. During those runs the processes below used ${((cpuSeconds / runSeconds) * 100).toFixed(0)} % ` +
      `of one core together, of the ${os.availableParallelism() * 100} % this machine has. A second instance on the same ` +
      'machine adds no cores.',
  ];
}

function latencyRow(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
  return `| ${label} | ${at(0.5).toFixed(0)} | ${at(0.95).toFixed(0)} | ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} |`;
}

function loadSentence(loadAverage: number): string {
  const cores = os.availableParallelism();
  const sentence = `The 1-minute load average before the run was ${loadAverage.toFixed(2)} on ${cores} cores`;
  return loadAverage >= cores
    ? `${sentence}, so other processes competed with the benchmark for the cores.`
    : `${sentence}.`;
}

function describeMachine(): string {
  const cpus = os.cpus();
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${memoryGiB} GiB of memory, Node.js ${process.version}, Linux ${os.release()}`;
}
