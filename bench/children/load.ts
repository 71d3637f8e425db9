import autocannon, { type AutocannonClient, type AutocannonRequest } from 'autocannon';
import { readChildInput, serveParent } from './ipc.ts';
import { loadRequests, type LoadSession } from '../lib/load-requests.ts';
export type { LoadSession };

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
      client.setRequests(loadRequests(input.trackerUrl, session));
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
