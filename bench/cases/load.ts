import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../../src/config/load.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/index.ts';
import {
  hashCookieValue,
  publicDeviceId,
  randomToken,
} from '../../src/tracker/security/secrets.ts';
import type { LoadSession, LoadSummary } from '../children/load.ts';
import { BenchChild } from '../lib/child-process.ts';
import { cpuTimeMs, readChildMemory, type ProcessMemory } from '../lib/process-usage.ts';
import type { BenchOptions } from '../lib/options.ts';
import { signInBrowser, trackerGetJson, type SignedInBrowser } from '../lib/sign-in.ts';
import { startBenchStack } from '../lib/stack.ts';

/** Concurrent signed-in sessions of the load run: one autocannon connection each. */
export const LOAD_SESSIONS = 100;
/** Sessions in the tracker's store during the run; those not signed in are created through the store API. */
export const STORED_SESSIONS = 10_000;
export const LOAD_BACKGROUND_DELEGATIONS = 10_000;
const LOAD_USERS = ['janedoe', 'larseriksson'];
/** Sign-ins in flight at once while the sessions are prepared. */
const SIGN_IN_CONCURRENCY = 4;

export interface LoadResult {
  summary: LoadSummary;
  signedIn: number;
  createdThroughStore: number;
  /** Rows of the tracker's sessions table, counted after the run. */
  storedSessions: number;
  memoryBefore: ProcessMemory;
  memoryAfter: ProcessMemory;
  /** CPU time used during the run per second of it, in % of one core. */
  cpuPercent: { tracker: number; idp: number };
}

/**
 * Fills the tracker's store with sessions, signs in 100 browsers, and runs the load generator in
 * its own process against the tracker in its own process for `--duration` seconds.
 */
export async function runLoadCase(options: BenchOptions): Promise<LoadResult> {
  const createdThroughStore = STORED_SESSIONS - LOAD_SESSIONS;
  const stack = await startBenchStack({
    label: 'load',
    scimDelayMs: 0,
    delegations: LOAD_BACKGROUND_DELEGATIONS,
    beforeTracker: (config) => createStoredSessions(config, createdThroughStore),
  });

  try {
    console.log(
      `load: ${createdThroughStore} sessions created through the store; signing in ${LOAD_SESSIONS} browsers`,
    );
    const sessions = await prepareSessions(stack.trackerUrl);
    const memoryBefore = await readChildMemory(stack.tracker);

    console.log(`load: ${LOAD_SESSIONS} connections for ${options.durationSeconds} s`);
    const generator = await BenchChild.start<{ sessions: number }>({
      script: 'load.ts',
      input: { trackerUrl: stack.trackerUrl, sessions, durationSeconds: options.durationSeconds },
      logFile: join(stack.folder, 'load.log'),
      startTimeoutMs: 60_000,
    });
    const cpuBefore = { tracker: cpuTimeMs(stack.tracker.pid), idp: cpuTimeMs(stack.idp.pid) };
    let summary: LoadSummary;
    try {
      summary = await generator.request<LoadSummary>(
        'run',
        undefined,
        (options.durationSeconds + 120) * 1000,
      );
    } finally {
      await generator.stop();
    }
    const cpuPercent = {
      tracker: (cpuTimeMs(stack.tracker.pid) - cpuBefore.tracker) / (summary.durationSeconds * 10),
      idp: (cpuTimeMs(stack.idp.pid) - cpuBefore.idp) / (summary.durationSeconds * 10),
    };

    const memoryAfter = await readChildMemory(stack.tracker);
    const storedSessions = countStoredSessions(stack.config);
    console.log(
      `load: ${summary.requestsPerSecond.toFixed(0)} requests/s, p99 ${summary.latencyP99Ms} ms, ${summary.non2xx + summary.errors} errors`,
    );
    return {
      summary,
      signedIn: LOAD_SESSIONS,
      createdThroughStore,
      storedSessions,
      memoryBefore,
      memoryAfter,
      cpuPercent,
    };
  } finally {
    await stack.close();
  }
}

/**
 * Writes sessions and their devices through the store API, as sign-ins leave them, before the
 * tracker starts. They belong to generated users and are never used by the load.
 */
async function createStoredSessions(config: Config, count: number): Promise<void> {
  const store = await openStore({
    dataDir: config.tracker.dataDir,
    secret: config.tracker.cookieSecret,
    logger: createLogger({ level: 'warn' }),
  });
  try {
    const now = Date.now();
    for (let index = 0; index < count; index += 1) {
      const deviceId = randomToken();
      const username = `user${String(index).padStart(6, '0')}`;
      await store.upsertDevice({
        id: deviceId,
        publicId: publicDeviceId(deviceId, config.tracker.cookieSecret),
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
        browser: 'Chrome 126',
        os: 'Linux',
        lastSeen: new Date(now),
      });
      await store.createSession({
        idHash: hashCookieValue(randomToken()),
        username,
        claims: { sub: username, preferred_username: username },
        isAdmin: false,
        deviceId,
        csrfToken: randomToken(),
        idToken: undefined,
        clientId: 'www',
        createdAt: new Date(now),
        expiresAt: new Date(now + config.tracker.sessionTtlSeconds * 1000),
      });
    }
  } finally {
    await store.close();
  }
}

/** Signs in the load's browsers, a few at a time, and finds the delegation each one has tokens for. */
async function prepareSessions(trackerUrl: string): Promise<LoadSession[]> {
  const browsers: SignedInBrowser[] = [];
  let next = 0;
  const worker = async () => {
    while (next < LOAD_SESSIONS) {
      const username = LOAD_USERS[next % LOAD_USERS.length]!;
      next += 1;
      browsers.push(await signInBrowser(trackerUrl, username));
    }
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, () => worker()));

  const sessions: LoadSession[] = [];
  for (const browser of browsers) {
    sessions.push({
      cookie: browser.cookie,
      csrfToken: browser.csrfToken,
      delegationScimId: await ownDelegation(browser),
    });
  }
  return sessions;
}

interface DashboardItem {
  id: string;
  thisBrowser: boolean;
  actions: { introspect: { allowed: boolean } };
}

async function ownDelegation(browser: SignedInBrowser): Promise<string> {
  const page = await trackerGetJson<{ items: DashboardItem[] }>(
    browser,
    '/api/delegations?startIndex=1&count=200',
  );
  const own = page.items.find((item) => item.thisBrowser && item.actions.introspect.allowed);
  if (!own)
    throw new Error(
      `The dashboard of ${browser.username} shows no delegation this browser can introspect.`,
    );
  return own.id;
}

function countStoredSessions(config: Config): number {
  const db = new Database(join(config.tracker.dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS total FROM sessions').get() as { total: number }).total;
  } finally {
    db.close();
  }
}
