/**
 * `npm run test:load`: a bounded load test of the tracker on loopback, then a crash in the
 * middle of the same load. It runs the embedded server and the tracker (`session-tracker start`)
 * as two child processes and passes when:
 *
 * - no tracker response has a 5xx status, and every request outside the crash got a response;
 * - every action the tracker reported done has its `succeeded` audit entry;
 * - the tracker's RSS at the end of the first run is within RSS_MARGIN of its RSS after warm-up;
 * - after `kill -9` and a restart, every user that was signed in still is, and the audit trail
 *   contains every action reported done before and after the crash.
 *
 * Usage: npm run test:load -- [--duration 60] [--users 200] [--think-ms 100]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { missingFromAudit, readSucceededAudit } from './load/audit-check.ts';
import {
  killChild,
  residentSetBytes,
  startCommand,
  stopChild,
  writeLoadConfig,
  type LoadSetup,
} from './load/processes.ts';
import { DEMO_USERS, Ledger, SimulatedUser } from './load/simulated-user.ts';

/**
 * Largest growth of the tracker's RSS from the end of warm-up to the end of the run, as a share
 * of the RSS after warm-up. After warm-up the RSS moved up and down by less than 10% as the
 * garbage collector ran (measured on a 2-core machine with the defaults). This margin leaves room
 * for that, while a leak of a few kilobytes per request exceeds it within a 60 s run.
 */
const RSS_MARGIN = 0.2;
/**
 * Warm-up ends once the tracker has sent this many responses per user, or at half the run if
 * that comes first. The heap grows with the work done until the garbage collector settles,
 * which took about 3,000 responses in the runs that set RSS_MARGIN.
 */
const WARM_UP_RESPONSES_PER_USER = 20;
/** Shortest run accepted: enough for a warm-up and for a leak to show after it. */
const MIN_DURATION_SECONDS = 30;
/** Sign-ins run at once while the users sign in before the load starts. */
const SIGN_IN_BATCH = 25;

const HELP = `Usage: npm run test:load -- [options]

Load test and crash test of the tracker on loopback.

Options:
  --duration SECONDS   length of each of the two load runs, 30 or more (default 60)
  --users N            simulated users, each in its own browser (default 200)
  --think-ms MS        mean pause of a user between two actions, in milliseconds (default 100)
  --help               print this text`;

interface Options {
  durationSeconds: number;
  users: number;
  thinkMs: number;
}

interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string', default: '60' },
      users: { type: 'string', default: '200' },
      'think-ms': { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const durationSeconds = positiveNumber('--duration', values.duration);
  if (durationSeconds < MIN_DURATION_SECONDS) {
    throw new UsageError(
      `--duration must be at least ${MIN_DURATION_SECONDS} s, so that the RSS is sampled after warm-up and again well after it, not ${durationSeconds}.`,
    );
  }
  return {
    durationSeconds,
    users: positiveNumber('--users', values.users),
    thinkMs: positiveNumber('--think-ms', values['think-ms']),
  };
}

function positiveNumber(option: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new UsageError(`${option} must be a whole number of 1 or more, not "${value}".`);
  }
  return number;
}

class UsageError extends Error {}

/** Runs every user's loop until `seconds` have passed; `during` runs alongside. */
async function runLoad(
  users: SimulatedUser[],
  seconds: number,
  during: (stopAt: number) => Promise<void>,
): Promise<void> {
  const stopAt = Date.now() + seconds * 1000;
  const shouldStop = () => Date.now() >= stopAt;
  await Promise.all([...users.map((user) => user.run(shouldStop)), during(stopAt)]);
}

async function signInAll(users: SimulatedUser[]): Promise<number> {
  let failed = 0;
  for (let start = 0; start < users.length; start += SIGN_IN_BATCH) {
    const results = await Promise.all(
      users.slice(start, start + SIGN_IN_BATCH).map((user) => user.signIn()),
    );
    failed += results.filter((ok) => !ok).length;
  }
  return failed;
}

function untilOrStop(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function describeLedger(ledger: Ledger): string {
  const statuses = [...ledger.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`);
  return `${ledger.requests()} tracker responses (${statuses.join(', ')}), ${ledger.done.length} actions done, ${ledger.connectionErrors} without a response, ${ledger.signInFailures} sign-ins stopped at the embedded server`;
}

/** First run: steady load, with the tracker's RSS sampled after warm-up and at the end. */
async function steadyRun(
  users: SimulatedUser[],
  tracker: ChildProcess,
  options: Options,
): Promise<{ ledger: Ledger; checks: Check[] }> {
  const ledger = new Ledger();
  for (const user of users) user.ledger = ledger;
  const warmUpResponses = options.users * WARM_UP_RESPONSES_PER_USER;
  let afterWarmUp = 0;
  let warmUpEnded = '';
  let atEnd = 0;

  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(residentSetBytes(tracker.pid!)), 1000);

  console.log(
    `Run 1: ${options.users} users for ${options.durationSeconds} s; RSS sampled after ${warmUpResponses} responses (or half the run) and at the end.`,
  );
  await runLoad(users, options.durationSeconds, async (stopAt) => {
    const startedAt = Date.now();
    const halfWay = startedAt + (stopAt - startedAt) / 2;
    while (ledger.requests() < warmUpResponses && Date.now() < halfWay)
      await untilOrStop(Date.now() + 250);
    afterWarmUp = residentSetBytes(tracker.pid!);
    warmUpEnded = `${ledger.requests()} responses in ${Math.round((Date.now() - startedAt) / 1000)} s`;
    await untilOrStop(stopAt - 200);
    atEnd = residentSetBytes(tracker.pid!);
  });
  clearInterval(sampler);
  console.log(`  ${describeLedger(ledger)}`);
  console.log(
    `  RSS each second, MiB: ${samples.map((bytes) => Math.round(bytes / 1024 / 1024)).join(' ')}`,
  );

  const limit = afterWarmUp * (1 + RSS_MARGIN);
  return {
    ledger,
    checks: [
      {
        name: 'run 1: no 5xx',
        passed: ledger.serverErrorCount === 0,
        detail: serverErrorDetail(ledger),
      },
      {
        name: 'run 1: every request got a response',
        passed: ledger.connectionErrors === 0,
        detail: `${ledger.connectionErrors} requests without a response`,
      },
      {
        name: `run 1: RSS flat (end within ${RSS_MARGIN * 100}% of after warm-up)`,
        passed: atEnd <= limit,
        detail: `after warm-up (${warmUpEnded}) ${megabytes(afterWarmUp)}, at the end ${megabytes(atEnd)}, limit ${megabytes(limit)}`,
      },
    ],
  };
}

function serverErrorDetail(ledger: Ledger): string {
  if (ledger.serverErrorCount === 0) return 'none';
  return `${ledger.serverErrorCount}, first: ${ledger.serverErrors.join(' | ')}`;
}

/**
 * Second run: the same load, with `kill -9` of the tracker half-way and a restart at once.
 * Returns the new tracker process and the users that had a sign-in running at the kill, whose
 * old session may be gone with no new one set.
 */
async function crashRun(
  users: SimulatedUser[],
  setup: LoadSetup,
  tracker: ChildProcess,
  options: Options,
): Promise<{
  ledger: Ledger;
  tracker: ChildProcess;
  atCallback: Set<SimulatedUser>;
  downMs: number;
}> {
  const ledger = new Ledger();
  for (const user of users) user.ledger = ledger;
  let current = tracker;
  let atCallback = new Set<SimulatedUser>();
  let downMs = 0;

  console.log(
    `Run 2: ${options.users} users for ${options.durationSeconds} s; kill -9 of the tracker after ${options.durationSeconds / 2} s.`,
  );
  await runLoad(users, options.durationSeconds, async () => {
    await untilOrStop(Date.now() + (options.durationSeconds * 1000) / 2);
    atCallback = new Set(users.filter((user) => user.atCallback));
    const killedAt = Date.now();
    await killChild(current);
    current = await startCommand(
      'start',
      setup,
      join(setup.folder, 'tracker-2.log'),
      `${setup.trackerUrl}/healthz`,
    );
    downMs = Date.now() - killedAt;
    console.log(
      `  killed the tracker (pid ${tracker.pid}) and restarted it (pid ${current.pid}) in ${downMs} ms`,
    );
  });
  console.log(`  ${describeLedger(ledger)}`);
  for (const error of ledger.clientErrors) console.log(`    ${error}`);
  return { ledger, tracker: current, atCallback, downMs };
}

/** Checks that every user without a sign-in running at the kill is still signed in. */
async function sessionsAfterCrash(
  users: SimulatedUser[],
  atCallback: Set<SimulatedUser>,
): Promise<Check> {
  const checked = users.filter((user) => !atCallback.has(user));
  const signedOut: string[] = [];
  for (const user of checked) {
    const session = await user.browser.loadSession();
    if (!session.signedIn) signedOut.push(user.account.username);
  }
  return {
    name: 'run 2: signed-in users still signed in after kill -9',
    passed: signedOut.length === 0,
    detail: `${checked.length - signedOut.length} of ${checked.length} signed in (${atCallback.size} left out: their sign-in callback was running at the kill)`,
  };
}

async function auditCheck(setup: LoadSetup, ledgers: Ledger[]): Promise<Check> {
  const done = ledgers.flatMap((ledger) => ledger.done);
  const audit = await readSucceededAudit(setup.trackerDataDir, setup.cookieSecret);
  const missing = missingFromAudit(done, audit);
  const sample = missing.slice(0, 5).map((action) => `${action.action} ${action.key}`);
  return {
    name: 'every action reported done is in the audit trail',
    passed: missing.length === 0,
    detail: `${done.length} actions done, ${audit.length} succeeded entries, ${missing.length} missing${sample.length > 0 ? `: ${sample.join(', ')}` : ''}`,
  };
}

function printSummary(checks: Check[], folder: string, passed: boolean): void {
  console.log('\nSummary');
  for (const check of checks)
    console.log(`  ${check.passed ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  console.log(
    passed
      ? '\nLoad and crash test passed.'
      : `\nLoad and crash test FAILED. Logs of both processes are in ${folder}.`,
  );
}

async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (
      !(error instanceof UsageError) &&
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true
    )
      throw error;
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }

  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-load-'));
  const setup = await writeLoadConfig(folder);
  const children: ChildProcess[] = [];
  const checks: Check[] = [];
  try {
    const idp = await startCommand(
      'idp',
      setup,
      join(folder, 'idp.log'),
      `${setup.idpUrl}/oauth/v2/oauth-anonymous/.well-known/openid-configuration`,
    );
    children.push(idp);
    let tracker = await startCommand(
      'start',
      setup,
      join(folder, 'tracker-1.log'),
      `${setup.trackerUrl}/healthz`,
    );
    children.push(tracker);
    console.log(`Embedded server ${setup.idpUrl}, tracker ${setup.trackerUrl}, data in ${folder}`);

    const signInLedger = new Ledger();
    const users = Array.from(
      { length: options.users },
      (_, index) =>
        new SimulatedUser(
          setup.trackerUrl,
          DEMO_USERS[index % DEMO_USERS.length]!,
          signInLedger,
          options.thinkMs,
        ),
    );
    const failedSignIns = await signInAll(users);
    checks.push({
      name: 'every user signed in',
      passed: failedSignIns === 0,
      detail: `${users.length - failedSignIns} of ${users.length}`,
    });

    const steady = await steadyRun(users, tracker, options);
    checks.push(...steady.checks);

    const crash = await crashRun(users, setup, tracker, options);
    tracker = crash.tracker;
    children.push(tracker);
    checks.push({
      name: 'run 2: no 5xx',
      passed: crash.ledger.serverErrorCount === 0,
      detail: serverErrorDetail(crash.ledger),
    });
    checks.push(await sessionsAfterCrash(users, crash.atCallback));

    await stopChild(tracker);
    checks.push(await auditCheck(setup, [signInLedger, steady.ledger, crash.ledger]));
  } finally {
    for (const child of children.reverse()) await stopChild(child);
  }

  const passed = checks.every((check) => check.passed);
  printSummary(checks, folder, passed);
  if (passed && !process.env.KEEP_LOAD_FOLDER) rmSync(folder, { recursive: true, force: true });
  return passed ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
