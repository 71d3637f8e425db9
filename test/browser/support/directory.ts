import type { Stack } from '../../helpers/stack.ts';

/** One SCIM page, more than any test user here has; the embedded server allows up to 1000. */
const PAGE_SIZE = 500;

export interface IssuedSummary {
  total: number;
  clientIds: string[];
}

/**
 * Reads a user's issued delegations through the tracker's SCIM client, which the UI's numbers are
 * checked against. Throws when the user has more than one page of them.
 */
export async function issuedDelegationsOf(stack: Stack, username: string): Promise<IssuedSummary> {
  const page = await stack.tracker.context.directory.list({
    owner: username,
    status: 'issued',
    count: PAGE_SIZE,
  });
  if (page.totalResults > page.items.length) {
    throw new Error(
      `${username} has ${page.totalResults} issued delegations, more than one page of ${PAGE_SIZE}; seed fewer.`,
    );
  }
  return {
    total: page.totalResults,
    clientIds: [...new Set(page.items.map((delegation) => delegation.clientId))].sort(),
  };
}

/** Returns the number of delegations the administrator's list shows without filters. */
export async function unfilteredTotal(stack: Stack): Promise<number> {
  const page = await stack.tracker.context.directory.list({ count: 1 });
  return page.totalResults;
}
