import { createRequire } from 'node:module';
import type { AutocannonRequest } from 'autocannon';
import { reachCallback, startLogin, TestBrowser } from '../../test/helpers/stack.ts';
import { loadRequests, type LoadSession } from '../lib/load-requests.ts';
export type { LoadSession };

export interface LoadFigures {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
}

interface AutocannonResult {
  duration: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  setupClient: (client: { setRequests(requests: AutocannonRequest[]): void }) => void;
}) => Promise<AutocannonResult>;

// autocannon 8 is CommonJS without type declarations of its own. bench/types/autocannon.d.ts
// declares the request shape, and the shapes above follow its README.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const USERS = [
  { username: 'janedoe', password: 'jane-demo-pass' },
  { username: 'larseriksson', password: 'lars-demo-pass' },
];
const SIGN_IN_CONCURRENCY = 4;

/** Signs `count` browsers in through `publicUrl`, alternating the two demo users, a few at a time. */
export async function signInSessions(publicUrl: string, count: number): Promise<LoadSession[]> {
  const sessions: LoadSession[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const user = USERS[next % USERS.length]!;
      next += 1;
      sessions.push(await signInSession(publicUrl, user));
    }
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, () => worker()));
  return sessions;
}

async function signInSession(
  publicUrl: string,
  user: { username: string; password: string },
): Promise<LoadSession> {
  const browser = new TestBrowser(publicUrl);
  const { authorizationUrl } = await startLogin(browser, 'www');
  const callback = await reachCallback(browser, new URL(authorizationUrl), user);
  if (callback.status !== 303)
    throw new Error(`Sign-in of ${user.username} ended with status ${callback.status}.`);
  await browser.loadSession();

  const page = await browser.getJson<{ items: Array<{ id: string; thisBrowser: boolean }> }>(
    '/api/delegations?startIndex=1&count=200',
  );
  const own = page.items.find((item) => item.thisBrowser);
  const cookie = browser.jar.headerFor(new URL('/api/delegations', publicUrl));
  if (!own || !cookie || !browser.csrfToken)
    throw new Error(`Sign-in of ${user.username} left no session or delegation.`);
  return { cookie, csrfToken: browser.csrfToken, delegationScimId: own.id };
}

/**
 * Runs one autocannon connection per session against `targetUrl` for `durationSeconds`. Each
 * connection repeats the dashboard's list request and an introspection of its own delegation,
 * as the UI sends them, with `publicUrl` as Origin wherever the requests go.
 */
export async function runLoad(
  targetUrl: string,
  publicUrl: string,
  sessions: LoadSession[],
  durationSeconds: number,
): Promise<LoadFigures> {
  let nextSession = 0;
  const result = await autocannon({
    url: targetUrl,
    connections: sessions.length,
    duration: durationSeconds,
    setupClient: (client) => {
      const session = sessions[nextSession % sessions.length]!;
      nextSession += 1;
      client.setRequests(loadRequests(publicUrl, session));
    },
  });

  return {
    connections: sessions.length,
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
