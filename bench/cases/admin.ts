import type { BareScim, ScimListParameters } from '../lib/scim.ts';
import { signInBrowser, trackerGetJson } from '../lib/sign-in.ts';
import { sampleInTurn, summarize, type LatencySummary, type SamplingPlan } from '../lib/stats.ts';

/** The administrator's search box text: user000000 to user000999, a share of users that shrinks as the store grows. */
export const ADMIN_USER_PREFIX = 'user000';

/** The admin page's defaults, as web/src/admin/ sends them: issued delegations, soonest expiry first. */
const ADMIN_PAGE = { sortBy: 'expires', sortOrder: 'ascending', startIndex: 1, count: 50 } as const;
const ADMIN_STATUS = 'issued';

export interface AdminQueryResult {
  tracker: LatencySummary;
  scim: LatencySummary;
  /** totalResults of the response: how many delegations the query matched. */
  totalResults: number;
}

export interface AdminResult {
  firstPage: AdminQueryResult;
  prefixSearch: AdminQueryResult;
}

const FULL_PLAN: SamplingPlan = { warmup: 3, samples: 50, maxSeconds: 30, minSamples: 10 };
const QUICK_PLAN: SamplingPlan = { warmup: 2, samples: 10, maxSeconds: 10, minSamples: 5 };

/**
 * Times the admin view's first page (every user's issued delegations, sorted by expiry) and a
 * search by user-name prefix, through the tracker and as the bare SCIM request it makes.
 */
export async function measureAdminQueries(
  trackerUrl: string,
  scim: BareScim,
  quick: boolean,
): Promise<AdminResult> {
  const admin = await signInBrowser(trackerUrl, 'admin');
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const measure = async (
    trackerQuery: Record<string, string | number>,
    scimQuery: ScimListParameters,
  ): Promise<AdminQueryResult> => {
    const path = `/api/admin/delegations?${new URLSearchParams(Object.entries(trackerQuery).map(([name, value]) => [name, String(value)]))}`;
    let totalResults = 0;
    const times = await sampleInTurn(plan, {
      tracker: async () => {
        totalResults = (await trackerGetJson<{ totalResults: number }>(admin, path)).totalResults;
      },
      scim: async () => {
        const page = await scim.list(scimQuery);
        if (page.totalResults !== totalResults) {
          throw new Error(
            `The tracker reported ${totalResults} matches and SCIM ${page.totalResults} for ${path}.`,
          );
        }
      },
    });
    return { tracker: summarize(times.tracker), scim: summarize(times.scim), totalResults };
  };

  return {
    firstPage: await measure(
      { status: ADMIN_STATUS, ...ADMIN_PAGE },
      { filter: `status eq ${JSON.stringify(ADMIN_STATUS)}`, ...ADMIN_PAGE },
    ),
    prefixSearch: await measure(
      { userPrefix: ADMIN_USER_PREFIX, status: ADMIN_STATUS, ...ADMIN_PAGE },
      {
        filter: `owner sw ${JSON.stringify(ADMIN_USER_PREFIX)} and status eq ${JSON.stringify(ADMIN_STATUS)}`,
        ...ADMIN_PAGE,
      },
    ),
  };
}
