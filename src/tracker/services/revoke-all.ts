import type { Delegation } from '../../auth-server/types.ts';
import type { TrackerContext } from '../context.ts';
import { mayHaveMorePages } from './paging.ts';

/**
 * Pages through every issued delegation of `owner`. Paging ends as `mayHaveMorePages` decides, or
 * at the first page that adds nothing new; ids seen twice (a page boundary that moved while
 * reading) are dropped.
 */
export async function listAllIssued(context: TrackerContext, owner: string): Promise<Delegation[]> {
  const pageSize = context.config.authServer.scim.pageSize;
  const byId = new Map<string, Delegation>();
  let startIndex = 1;

  for (;;) {
    const page = await context.directory.list({
      owner,
      status: 'issued',
      startIndex,
      count: pageSize,
    });
    const before = byId.size;
    for (const delegation of page.items) byId.set(delegation.id, delegation);

    startIndex += page.items.length;
    // A page with nothing new would repeat forever on a server that ignores startIndex.
    const nothingNew = byId.size === before;
    if (nothingNew || !mayHaveMorePages(page, startIndex, pageSize)) break;
  }
  return [...byId.values()];
}
