import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedDelegations } from '../src/idp/seed.ts';
import { startPostgres, type PostgresServer } from '../test/helpers/postgres.ts';
import {
  cpuUsedBetween,
  parentOf,
  processTree,
  snapshotCpu,
  type ProcessGroups,
} from './multi-instance/cpu.ts';
import { BenchDeployment } from './multi-instance/deployment.ts';
import { EVENT_SAMPLE_OWNER, measureEventLatency } from './multi-instance/event-latency.ts';
import { runLoad, signInSessions, type LoadSession } from './multi-instance/load.ts';
import { renderSection, writeSection, type LoadRun } from './multi-instance/report.ts';

const HELP = `Usage: tsx bench/multi-instance.ts [--duration SECONDS] [--rounds N] [--connections N] [--output FILE]

Runs the tracker on PostgreSQL as one instance and as two instances behind a round-robin proxy,
each instance a process of its own, against the embedded authorization server on loopback. It
puts the same load on each configuration, times revocation events between the two instances,
and appends the results to the report file. When that file does not exist yet, the results go to
benchmarks-multi-instance.md in the same folder instead.

Options:
  --duration SECONDS   length of each measured run, 1 to 600 (default 30)
  --rounds N           times each configuration is measured, taking turns, 1 to 10 (default 2)
  --connections N      signed-in sessions, one autocannon connection each, 1 to 500 (default 100)
  --output FILE        report file to append to (default docs/benchmarks.md)
  -h, --help           print this text`;

const FALLBACK_FILE_NAME = 'benchmarks-multi-instance.md';
/** Delegations of generated users at the authorization server, ten per user, as bench/run.ts seeds. */
const BACKGROUND_DELEGATIONS = 10_000;
const EVENT_SAMPLES = 50;
const WARM_UP_SECONDS = 5;

interface Options {
  durationSeconds: number;
  rounds: number;
  connections: number;
  output: string;
  argv: string[];
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }

  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-bench-multi-'));
  let postgres: PostgresServer | undefined;
  let deployment: BenchDeployment | undefined;
  try {
    postgres = await startPostgres();
    deployment = await BenchDeployment.prepare(folder, postgres.url);
    const startedAt = new Date();
    const loadAverageBefore = os.loadavg()[0]!;
    const runs = await measureLoad(deployment, postgres, options);

    console.log(
      `events: ${EVENT_SAMPLES} revocations through instance A, events read on instance B`,
    );
    const events = await measureEventLatency(deployment.publicUrl, 0, 1);

    const section = renderSection({
      startedAt,
      command: ['tsx bench/multi-instance.ts', ...options.argv].join(' '),
      postgresVersion: await postgresVersion(postgres.url),
      loadAverageBefore,
      backgroundDelegations: BACKGROUND_DELEGATIONS,
      warmUpSeconds: WARM_UP_SECONDS,
      runs,
      events,
    });
    const written = writeSection(
      section,
      options.output,
      join(dirname(options.output), FALLBACK_FILE_NAME),
    );
    console.log(`Wrote the results to ${written}:\n\n${section}`);
    return 0;
  } finally {
    await deployment?.close();
    await postgres?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Seeds the authorization server, starts two instances, signs the sessions in, and measures
 * one instance directly, one instance behind the proxy and two instances behind the proxy, on
 * the same sessions. The three configurations take turns for `options.rounds` rounds, so a
 * change in the machine's other load during the run shows as a spread between rounds instead
 * of favouring one configuration.
 */
async function measureLoad(
  deployment: BenchDeployment,
  postgres: PostgresServer,
  options: Options,
): Promise<LoadRun[]> {
  console.log(
    `seeding ${BACKGROUND_DELEGATIONS} delegations and ${EVENT_SAMPLES} for ${EVENT_SAMPLE_OWNER}`,
  );
  await seedDelegations(deployment.idpConfig, {
    users: BACKGROUND_DELEGATIONS / 10,
    delegations: BACKGROUND_DELEGATIONS,
    owner: { username: EVENT_SAMPLE_OWNER, count: EVENT_SAMPLES },
  });
  await deployment.startAuthorizationServer();
  const first = await deployment.startInstance();
  const second = await deployment.startInstance();
  await deployment.routeThroughProxy([first, second]);

  console.log(`signing in ${options.connections} sessions`);
  const sessions = await signInSessions(deployment.publicUrl, options.connections);
  const groups = await processGroups(deployment, postgres);
  const measure = (label: string, round: number, targetUrl: string) =>
    measureRun({ label, round, targetUrl }, deployment, sessions, groups, options);

  // Both instances compile their hot paths before anything is timed.
  await runLoad(deployment.publicUrl, deployment.publicUrl, sessions, WARM_UP_SECONDS);

  const runs: LoadRun[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    runs.push(await measure('one instance, direct', round, first.url));
    await deployment.routeThroughProxy([first]);
    runs.push(await measure('one instance behind the proxy', round, deployment.publicUrl));
    await deployment.routeThroughProxy([first, second]);
    runs.push(await measure('two instances behind the proxy', round, deployment.publicUrl));
  }
  return runs;
}

async function measureRun(
  run: { label: string; round: number; targetUrl: string },
  deployment: BenchDeployment,
  sessions: LoadSession[],
  groups: ProcessGroups,
  options: Options,
): Promise<LoadRun> {
  console.log(
    `load: ${run.label}, round ${run.round}, ${sessions.length} connections for ${options.durationSeconds} s`,
  );
  const before = snapshotCpu(groups);
  const figures = await runLoad(
    run.targetUrl,
    deployment.publicUrl,
    sessions,
    options.durationSeconds,
  );
  const cpu = cpuUsedBetween(before, snapshotCpu(groups));
  console.log(
    `load: ${figures.requestsPerSecond.toFixed(0)} requests/s, p99 ${figures.latencyP99Ms} ms, ${figures.non2xx} non-2xx, ${figures.errors} errors`,
  );
  return { label: run.label, round: run.round, figures, cpu };
}

/** Lists the processes whose CPU time the report shows. Instances and the proxy are looked up at each snapshot. */
async function processGroups(
  deployment: BenchDeployment,
  postgres: PostgresServer,
): Promise<ProcessGroups> {
  const postmaster = await postmasterPid(postgres.url);
  const instancePids = (index: number) => {
    const instance = deployment.instances[index];
    return instance ? [instance.pid] : [];
  };
  return {
    'tracker A': () => instancePids(0),
    'tracker B': () => instancePids(1),
    proxy: () => (deployment.proxyPid === undefined ? [] : [deployment.proxyPid]),
    'authorization server': () => (deployment.idpPid === undefined ? [] : [deployment.idpPid]),
    PostgreSQL: () => processTree(postmaster),
    'load generator': () => [process.pid],
  };
}

/** Returns the pid of the PostgreSQL server process, the parent of every backend. */
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The backend exists only while this connection is open, so its parent is read before closing.
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const parent = parentOf(result.rows[0]!.pid);
    if (parent === undefined)
      throw new Error('Failed to read the PostgreSQL server process from /proc.');
    return parent;
  } finally {
    await client.end();
  }
}

async function postgresVersion(url: string): Promise<string> {
  const rows = await queryRows<{ version: string }>(
    url,
    "SELECT current_setting('server_version') AS version",
  );
  return rows[0]!.version;
}

async function queryRows<Row>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string', default: '30' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '100' },
      output: { type: 'string', default: 'docs/benchmarks.md' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    durationSeconds: wholeNumber('--duration', values.duration, 1, 600),
    rounds: wholeNumber('--rounds', values.rounds, 1, 10),
    connections: wholeNumber('--connections', values.connections, 1, 500),
    output: values.output,
    argv,
  };
}

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${option}: "${text}" is not a whole number from ${min} to ${max}.`);
  }
  return value;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')
    ) {
      console.error(
        `${(error as Error).message}\nRun \`tsx bench/multi-instance.ts --help\` for the options.`,
      );
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
