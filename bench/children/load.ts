import autocannon, { type AutocannonClient, type AutocannonRequest } from 'autocannon';
import { readChildInput, serveParent } from './ipc.ts';

/** One signed-in browser of the load run. */
export interface LoadSession {
  cookie: string;
  csrfToken: string;
  /** SCIM id of a delegation whose tokens this browser holds, for the introspection request. */
  delegationScimId: string;
}

export interface LoadInput {
  trackerUrl: string;
  sessions: LoadSession[];
  durationSeconds: number;
}

export interface LoadSummary {
  durationSeconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/**
 * The load generator in a process of its own: one autocannon connection per signed-in session,
 * each repeating the dashboard list and an introspection of its own delegation, as the UI sends them.
 */
await serveParent(async () => {
  const input = readChildInput<LoadInput>();
  return {
    ready: { sessions: input.sessions.length },
    handlers: { run: () => runLoad(input) },
    close: async () => undefined,
  };
});

async function runLoad(input: LoadInput): Promise<LoadSummary> {
  let nextSession = 0;
  const result = await autocannon({
    url: input.trackerUrl,
    connections: input.sessions.length,
    duration: input.durationSeconds,
    setupClient: (client: AutocannonClient) => {
      const session = input.sessions[nextSession % input.sessions.length]!;
      nextSession += 1;
      client.setRequests(requestsOf(input.trackerUrl, session));
    },
  });

  return {
    durationSeconds: result.duration,
    connections: input.sessions.length,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([status, stats]) => [status, stats.count]),
    ),
  };
}

function requestsOf(trackerUrl: string, session: LoadSession): AutocannonRequest[] {
  const headers = {
    accept: 'application/json',
    cookie: session.cookie,
    origin: new URL(trackerUrl).origin,
    'x-csrf-token': session.csrfToken,
  };
  return [
    { method: 'GET', path: '/api/delegations?startIndex=1&count=50', headers },
    {
      method: 'POST',
      path: `/api/delegations/${encodeURIComponent(session.delegationScimId)}/introspect`,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'json' }),
    },
  ];
}
