import type { BenchOptions } from '../lib/options.ts';
import { topUpIssued } from '../lib/seeding.ts';
import { ownerFilter } from '../lib/scim.ts';
import { signInBrowser, trackerGetJson, type SignedInBrowser } from '../lib/sign-in.ts';
import { startBenchStack, type BenchStack } from '../lib/stack.ts';
import { sampleInTurn, summarize, type LatencySummary, type SamplingPlan } from '../lib/stats.ts';
import { measureAdminQueries, type AdminResult } from './admin.ts';
import { measureNaive, type NaiveResult } from './naive.ts';

/** The user whose dashboard is measured, and how many issued delegations they own. */
export const LIST_USER = 'janedoe';
export const LIST_USER_DELEGATIONS = 20;
/** The dashboard's page, as web/src/components/Dashboard.tsx requests it. */
const DASHBOARD_PAGE = { startIndex: 1, count: 50 };

export interface ListSizeResult {
  size: number;
  seedSeconds: number;
  tracker: LatencySummary;
  scim: LatencySummary;
  naive: NaiveResult;
  admin: AdminResult;
}

const FULL_PLAN: SamplingPlan = { warmup: 20, samples: 200, maxSeconds: 120, minSamples: 50 };
const QUICK_PLAN: SamplingPlan = { warmup: 5, samples: 50, maxSeconds: 30, minSamples: 20 };

interface SizeStack {
  size: number;
  stack: BenchStack;
  user: SignedInBrowser;
}

/**
 * Measures the dashboard list, the bare SCIM query, the naive client and the admin view at each
 * store size. A stack per size stays up for the whole case, so that the dashboard requests of all
 * sizes can take turns and background load on the machine weighs on every size alike.
 */
export async function runListCase(options: BenchOptions): Promise<ListSizeResult[]> {
  const stacks: SizeStack[] = [];
  try {
    for (const size of options.sizes) {
      console.log(`list: seeding ${size} delegations`);
      const stack = await startBenchStack({
        label: `list-${size}`,
        scimDelayMs: 0,
        delegations: size,
      });
      try {
        const user = await signInBrowser(stack.trackerUrl, LIST_USER);
        await topUpIssued(stack.config, stack.scim, LIST_USER, LIST_USER_DELEGATIONS);
        stacks.push({ size, stack, user });
      } catch (error) {
        await stack.close();
        throw error;
      }
      console.log(`list: seeded ${size} in ${stack.seedSeconds.toFixed(1)} s`);
    }

    console.log('list: measuring the dashboard at every size in turn');
    const latencies = await measureDashboards(stacks, options.quick ? QUICK_PLAN : FULL_PLAN);
    const results: ListSizeResult[] = [];
    for (const { size, stack } of stacks) {
      const latency = latencies.get(size)!;
      const naive = await measureNaive(stack.scim, LIST_USER, size, options.quick);
      if (naive.found !== LIST_USER_DELEGATIONS) {
        throw new Error(
          `The naive client found ${naive.found} delegations of ${LIST_USER}, expected ${LIST_USER_DELEGATIONS}.`,
        );
      }
      const admin = await measureAdminQueries(stack.trackerUrl, stack.scim, options.quick);
      results.push({ size, seedSeconds: stack.seedSeconds, ...latency, naive, admin });
      console.log(
        `list ${size}: tracker p50 ${latency.tracker.p50.toFixed(2)} ms, SCIM p50 ${latency.scim.p50.toFixed(2)} ms, naive ${naive.passesMs.map((ms) => ms.toFixed(0)).join('/')} ms`,
      );
    }
    return results;
  } finally {
    for (const { stack } of stacks) await stack.close();
  }
}

interface ListPage {
  totalResults: number;
  items?: unknown[];
  Resources?: unknown[];
}

/**
 * Times GET /api/delegations (the dashboard's first page) against the SCIM query it makes, sent
 * straight to the embedded server, at every size in turn. Each response is checked to hold the
 * user's delegations.
 */
async function measureDashboards(
  stacks: SizeStack[],
  plan: SamplingPlan,
): Promise<Map<number, Pick<ListSizeResult, 'tracker' | 'scim'>>> {
  const path = `/api/delegations?startIndex=${DASHBOARD_PAGE.startIndex}&count=${DASHBOARD_PAGE.count}`;
  const scimQuery = { filter: ownerFilter(LIST_USER), ...DASHBOARD_PAGE };
  const operations: Record<string, () => Promise<void>> = {};
  for (const { size, stack, user } of stacks) {
    operations[`tracker ${size}`] = async () =>
      checkPage('tracker', await trackerGetJson<ListPage>(user, path));
    operations[`scim ${size}`] = async () => checkPage('SCIM', await stack.scim.list(scimQuery));
  }

  const times = await sampleInTurn(plan, operations);
  const latencies = new Map<number, Pick<ListSizeResult, 'tracker' | 'scim'>>();
  for (const { size } of stacks) {
    latencies.set(size, {
      tracker: summarize(times[`tracker ${size}`]!),
      scim: summarize(times[`scim ${size}`]!),
    });
  }
  return latencies;
}

function checkPage(source: string, page: ListPage): void {
  const items = page.items ?? page.Resources ?? [];
  if (page.totalResults !== LIST_USER_DELEGATIONS || items.length !== LIST_USER_DELEGATIONS) {
    throw new Error(
      `The ${source} list returned ${items.length} of ${page.totalResults} delegations, expected ${LIST_USER_DELEGATIONS}.`,
    );
  }
}
