import type { Delegation, DelegationDirectory, DelegationQuery } from '../../auth-server/types.ts';
import { mayHaveMorePages } from '../services/paging.ts';
import type { BulkTarget } from './bulk-target.ts';
import { settleConcurrently } from './concurrency.ts';
import { Tally, TOP_ENTRIES } from './tally.ts';

export interface DryRunReport {
  /** Issued delegations the run would revoke. */
  total: number;
  /** Users with the most delegations in the target, highest count first. */
  users: { username: string; count: number }[];
  clients: { clientId: string; count: number }[];
  /** Users and clients left out of `users` and `clients`, with the delegations they hold. */
  otherUsers: { users: number; delegations: number };
  otherClients: { clients: number; delegations: number };
  /** True when `users` or `clients` lists only the top entries. */
  truncated: boolean;
  /** For an `ids` target: ids that are unknown or already revoked. */
  notFound: number;
  /** A sentence for the UI describing what the lists leave out, when they leave something out. */
  note?: string;
}

export interface PlanOptions {
  directory: DelegationDirectory;
  pageSize: number;
  concurrency: number;
  signal?: AbortSignal;
}

/** Builds the SCIM query for the issued delegations of a filter target, oldest first. */
export function issuedQuery(target: Extract<BulkTarget, { kind: 'filter' }>): DelegationQuery {
  const query: DelegationQuery = { status: 'issued', sortBy: 'created', sortOrder: 'ascending' };
  if (target.owner !== undefined) query.owner = target.owner;
  if (target.clientId !== undefined) query.clientId = target.clientId;
  return query;
}

/**
 * Yields the pages of a filter target's issued delegations, each delegation once. Nothing may
 * revoke them meanwhile, because paging is by offset (SCIM `startIndex`). A page of delegations
 * all seen before ends the listing, so a server that ignores `startIndex` cannot loop it forever.
 */
export async function* pagesOf(
  directory: DelegationDirectory,
  query: DelegationQuery,
  pageSize: number,
  signal?: AbortSignal,
): AsyncGenerator<Delegation[]> {
  const seen = new Set<string>();
  let startIndex = 1;
  for (;;) {
    signal?.throwIfAborted();
    const page = await directory.list({ ...query, startIndex, count: pageSize }, signal);
    const fresh = page.items.filter((delegation) => !seen.has(delegation.id));
    if (fresh.length === 0) return;
    for (const delegation of fresh) seen.add(delegation.id);
    yield fresh;
    startIndex += page.items.length;
    if (!mayHaveMorePages(page, startIndex, pageSize)) return;
  }
}

/** Counts what a bulk revocation of `target` would revoke, per user and per client, without revoking. */
export async function planBulkRevoke(
  target: BulkTarget,
  options: PlanOptions,
): Promise<DryRunReport> {
  const users = new Tally();
  const clients = new Tally();
  let total = 0;
  let notFound = 0;
  const count = (delegation: Delegation): void => {
    total += 1;
    users.add(delegation.owner);
    clients.add(delegation.clientId);
  };

  if (target.kind === 'filter') {
    for await (const page of pagesOf(
      options.directory,
      issuedQuery(target),
      options.pageSize,
      options.signal,
    )) {
      page.forEach(count);
    }
  } else {
    const found = await settleConcurrently(target.ids, options.concurrency, (id) =>
      options.directory.get(id, options.signal),
    );
    for (const result of found) {
      if (result.status === 'rejected') throw result.reason;
      if (result.value === null || result.value.status !== 'issued') notFound += 1;
      else count(result.value);
    }
  }

  return buildReport(total, notFound, users, clients);
}

function buildReport(total: number, notFound: number, users: Tally, clients: Tally): DryRunReport {
  const userReport = users.report();
  const clientReport = clients.report();
  const truncated = userReport.others.keys > 0 || clientReport.others.keys > 0;
  const report: DryRunReport = {
    total,
    users: userReport.top.map(({ key, count }) => ({ username: key, count })),
    clients: clientReport.top.map(({ key, count }) => ({ clientId: key, count })),
    otherUsers: { users: userReport.others.keys, delegations: userReport.others.count },
    otherClients: { clients: clientReport.others.keys, delegations: clientReport.others.count },
    truncated,
    notFound,
  };
  if (truncated) {
    report.note =
      `Only the ${TOP_ENTRIES} users and ${TOP_ENTRIES} clients with the most delegations are listed; ` +
      `${userReport.others.keys} other users hold ${userReport.others.count} delegations and ` +
      `${clientReport.others.keys} other clients hold ${clientReport.others.count}.`;
  }
  return report;
}
