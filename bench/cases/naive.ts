import type { BareScim } from '../lib/scim.ts';

/** The naive client's page size: the largest page the embedded server returns. */
export const NAIVE_PAGE_SIZE = 1000;

export interface NaiveResult {
  /** Elapsed time of each timed pass over the whole collection, in ms. */
  passesMs: number[];
  /** Whether an untimed pass ran first. */
  warmedUp: boolean;
  pagesPerPass: number;
  /** The user's delegations the pass found. */
  found: number;
}

/**
 * Times the naive way to list one user's delegations, as the 2019 Curity example did: page through
 * every issued delegation with count=1000 and keep the user's on the client. Large stores get
 * fewer passes, because one pass over a million delegations takes about a minute.
 */
export async function measureNaive(
  scim: BareScim,
  owner: string,
  size: number,
  quick: boolean,
): Promise<NaiveResult> {
  const passes = naivePasses(size, quick);
  const warmedUp = size <= 100_000;
  if (warmedUp) await fetchAllAndFilter(scim, owner);

  const passesMs: number[] = [];
  let last = { pages: 0, found: 0 };
  for (let pass = 0; pass < passes; pass += 1) {
    const started = performance.now();
    last = await fetchAllAndFilter(scim, owner);
    passesMs.push(performance.now() - started);
  }
  return { passesMs, warmedUp, pagesPerPass: last.pages, found: last.found };
}

function naivePasses(size: number, quick: boolean): number {
  if (size <= 10_000) return quick ? 3 : 10;
  if (size <= 100_000) return quick ? 2 : 5;
  return quick ? 1 : 2;
}

async function fetchAllAndFilter(
  scim: BareScim,
  owner: string,
): Promise<{ pages: number; found: number }> {
  let startIndex = 1;
  let pages = 0;
  let found = 0;
  for (;;) {
    const page = await scim.list({ startIndex, count: NAIVE_PAGE_SIZE });
    pages += 1;
    found += page.Resources.filter((delegation) => delegation.owner === owner).length;
    startIndex += page.Resources.length;
    if (page.Resources.length < NAIVE_PAGE_SIZE) return { pages, found };
  }
}
