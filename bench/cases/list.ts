import type { BenchOptions } from '../lib/options.ts';
import { topUpIssued } from '../lib/seeding.ts';
import { ownerFilter, type BareScim } from '../lib/scim.ts';
import { signInBrowser, trackerGetJson, type SignedInBrowser } from '../lib/sign-in.ts';
import { startBenchStack } from '../lib/stack.ts';
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

/** Measures the dashboard list, the bare SCIM query, the naive client and the admin view at each store size. */
export async function runListCase(options: BenchOptions): Promise<ListSizeResult[]> {
  const results: ListSizeResult[] = [];
  for (const size of options.sizes) {
    console.log(`list: seeding ${size} delegations`);
    const stack = await startBenchStack({ label: `list-${size}`, scimDelayMs: 0, delegations: size });
    try {
      console.log(`list: seeded in ${stack.seedSeconds.toFixed(1)} s; measuring`);
      const user = await signInBrowser(stack.trackerUrl, LIST_USER);
      await topUpIssued(stack.config, stack.scim, LIST_USER, LIST_USER_DELEGATIONS);

      const latency = await measureDashboard(user, stack.scim, options.quick ? QUICK_PLAN : FULL_PLAN);
      const naive = await measureNaive(stack.scim, LIST_USER, size, options.quick);
      if (naive.found !== LIST_USER_DELEGATIONS) {
        throw new Error(`The naive client found ${naive.found} delegations of ${LIST_USER}, expected ${LIST_USER_DELEGATIONS}.`);
      }
      const admin = await measureAdminQueries(stack.trackerUrl, stack.scim, options.quick);
      results.push({ size, seedSeconds: stack.seedSeconds, ...latency, naive, admin });
      console.log(
        `list ${size}: tracker p50 ${latency.tracker.p50.toFixed(2)} ms, SCIM p50 ${latency.scim.p50.toFixed(2)} ms, naive ${naive.passesMs.map((ms) => ms.toFixed(0)).join('/')} ms`,
      );
    } finally {
      await stack.close();
    }
  }
  return results;
}

interface ListPage {
  totalResults: number;
  items?: unknown[];
  Resources?: unknown[];
}

/**
 * Times GET /api/delegations (the dashboard's first page) against the SCIM query it makes, sent
 * straight to the embedded server. Each response is checked to hold the user's delegations.
 */
async function measureDashboard(user: SignedInBrowser, scim: BareScim, plan: SamplingPlan) {
  const path = `/api/delegations?startIndex=${DASHBOARD_PAGE.startIndex}&count=${DASHBOARD_PAGE.count}`;
  const scimQuery = { filter: ownerFilter(LIST_USER), ...DASHBOARD_PAGE };

  const times = await sampleInTurn(plan, {
    tracker: async () => checkPage('tracker', await trackerGetJson<ListPage>(user, path)),
    scim: async () => checkPage('SCIM', await scim.list(scimQuery)),
  });
  return { tracker: summarize(times.tracker), scim: summarize(times.scim) };
}

function checkPage(source: string, page: ListPage): void {
  const items = page.items ?? page.Resources ?? [];
  if (page.totalResults !== LIST_USER_DELEGATIONS || items.length !== LIST_USER_DELEGATIONS) {
    throw new Error(`The ${source} list returned ${items.length} of ${page.totalResults} delegations, expected ${LIST_USER_DELEGATIONS}.`);
  }
}
