import { send } from '../lib/http.ts';
import type { BenchOptions } from '../lib/options.ts';
import { cpuTimeMs } from '../lib/process-usage.ts';
import { topUpIssued } from '../lib/seeding.ts';
import { ownerFilter, type BareScim } from '../lib/scim.ts';
import { apiHeaders, signInBrowser } from '../lib/sign-in.ts';
import { startBenchStack, type BenchStack } from '../lib/stack.ts';

export const REVOKE_COUNTS = [10, 100, 1000] as const;
export const REVOKE_DELAYS_MS = [0, 5] as const;
/** Other users' delegations in the store while one user's are revoked. */
export const REVOKE_BACKGROUND_DELEGATIONS = 10_000;
const REVOKE_USER = 'janedoe';

export interface RevokeRow {
  delayMs: number;
  count: number;
  /** The tracker's settings: the maximum number of SCIM DELETEs in flight, and its SCIM list page size. */
  concurrency: number;
  listPageSize: number;
  /** Elapsed time of each tracker revoke-all, from sending the POST to the end of the NDJSON stream, in ms. */
  trackerMs: number[];
  /** CPU time the tracker's process used during each of those runs, in ms. */
  trackerCpuMs: number[];
  /** Elapsed time of each one-at-a-time run: the filtered SCIM list, then one DELETE after another, in ms. */
  oneByOneMs: number[];
}

/**
 * Revokes every delegation of a user with 10, 100 and 1,000 issued delegations, with 0 and 5 ms
 * added to each SCIM request: the tracker's bounded-concurrency revoke-all against sequential
 * SCIM DELETEs. The user is re-seeded before every run, and each run is checked to leave none issued.
 */
export async function runRevokeCase(options: BenchOptions): Promise<RevokeRow[]> {
  const rows: RevokeRow[] = [];
  for (const delayMs of REVOKE_DELAYS_MS) {
    const stack = await startBenchStack({
      label: `revoke-${delayMs}ms`,
      scimDelayMs: delayMs,
      delegations: REVOKE_BACKGROUND_DELEGATIONS,
    });
    try {
      for (const count of REVOKE_COUNTS) {
        const { revokeConcurrency, pageSize } = stack.config.authServer.scim;
        const row: RevokeRow = {
          delayMs,
          count,
          concurrency: revokeConcurrency,
          listPageSize: pageSize,
          trackerMs: [],
          trackerCpuMs: [],
          oneByOneMs: [],
        };
        for (let run = 0; run < revokeRuns(count, options.quick); run += 1) {
          const tracker = await revokeAllThroughTracker(stack, count);
          row.trackerMs.push(tracker.elapsedMs);
          row.trackerCpuMs.push(tracker.cpuMs);
          row.oneByOneMs.push(await revokeOneByOne(stack, count));
        }
        rows.push(row);
        console.log(
          `revoke ${count} with ${delayMs} ms delay: tracker ${formatRuns(row.trackerMs)} ms, one at a time ${formatRuns(row.oneByOneMs)} ms`,
        );
      }
    } finally {
      await stack.close();
    }
  }
  return rows;
}

function revokeRuns(count: number, quick: boolean): number {
  if (quick) return 1;
  return count <= 10 ? 5 : 3;
}

function formatRuns(values: number[]): string {
  return values.map((value) => value.toFixed(0)).join('/');
}

interface RevokeStreamLine {
  type: 'start' | 'progress' | 'end' | 'error';
  total?: number;
  revoked?: number;
  alreadyRevoked?: number;
  failed?: unknown[];
}

/** Signs the user in, re-seeds them, and times POST /api/revoke-all read to the end of its stream. */
async function revokeAllThroughTracker(
  stack: BenchStack,
  count: number,
): Promise<{ elapsedMs: number; cpuMs: number }> {
  const user = await signInBrowser(stack.trackerUrl, REVOKE_USER);
  await topUpIssued(stack.config, stack.scim, REVOKE_USER, count);

  const cpuBefore = cpuTimeMs(stack.tracker.pid);
  const started = performance.now();
  const response = await send(`${stack.trackerUrl}/api/revoke-all`, {
    method: 'POST',
    headers: apiHeaders(user, true),
    body: '{}',
  });
  const elapsedMs = performance.now() - started;
  const cpuMs = cpuTimeMs(stack.tracker.pid) - cpuBefore;

  if (response.status !== 200)
    throw new Error(
      `POST /api/revoke-all returned ${response.status}: ${response.text.slice(0, 300)}`,
    );
  const lines = response.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RevokeStreamLine);
  const start = lines[0];
  const end = lines[lines.length - 1];
  if (start?.type !== 'start' || start.total !== count)
    throw new Error(
      `revoke-all started with ${JSON.stringify(start)}, expected a total of ${count}.`,
    );
  if (end?.type !== 'end' || end.revoked !== count || end.failed?.length !== 0) {
    throw new Error(
      `revoke-all ended with ${JSON.stringify(end)}, expected ${count} revoked and none failed.`,
    );
  }
  await expectNoneIssued(stack.scim);
  return { elapsedMs, cpuMs };
}

/** Re-seeds the user, then times the naive revocation: list their delegations, DELETE each in turn. */
async function revokeOneByOne(stack: BenchStack, count: number): Promise<number> {
  await topUpIssued(stack.config, stack.scim, REVOKE_USER, count);

  const started = performance.now();
  const ids = await listIssuedIds(stack.scim);
  for (const id of ids) {
    const status = await stack.scim.revoke(id);
    if (status !== 204)
      throw new Error(`SCIM DELETE of a delegation returned ${status}, expected 204.`);
  }
  const elapsed = performance.now() - started;

  if (ids.length !== count)
    throw new Error(`The SCIM list returned ${ids.length} delegations, expected ${count}.`);
  await expectNoneIssued(stack.scim);
  return elapsed;
}

async function listIssuedIds(scim: BareScim): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const page = await scim.list({
      filter: ownerFilter(REVOKE_USER),
      startIndex: ids.length + 1,
      count: 1000,
    });
    ids.push(...page.Resources.map((delegation) => delegation.id));
    if (page.Resources.length === 0 || ids.length >= page.totalResults) return ids;
  }
}

async function expectNoneIssued(scim: BareScim): Promise<void> {
  const left = await scim.countIssued(REVOKE_USER);
  if (left !== 0)
    throw new Error(
      `${left} delegations of ${REVOKE_USER} are still issued after revoking all of them.`,
    );
}
