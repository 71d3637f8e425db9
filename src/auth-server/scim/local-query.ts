import type { Delegation, DelegationPage, SortField } from '../types.ts';
import { epochSeconds } from './filter.ts';
import type { CheckedQuery } from './query.ts';

/**
 * Filters, sorts and pages delegations here, for servers that cannot filter. The comparisons follow
 * what the server-side filter would do: `eq` is exact, `sw` on the owner ignores case (SCIM
 * compares `caseExact: false` strings that way), and a delegation without an expiry matches no
 * expiry bound.
 */
export function applyQueryLocally(delegations: Delegation[], query: CheckedQuery): DelegationPage {
  const matching = delegations.filter((delegation) => matches(delegation, query));
  if (query.sortBy) {
    const direction = query.sortOrder === 'descending' ? -1 : 1;
    const sortBy = query.sortBy;
    matching.sort((left, right) => compareBy(sortBy, left, right, direction));
  }

  const items = matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  return {
    items,
    totalResults: matching.length,
    startIndex: query.startIndex,
    itemsPerPage: items.length,
  };
}

function matches(delegation: Delegation, query: CheckedQuery): boolean {
  if (query.owner !== undefined && delegation.owner !== query.owner) return false;
  if (
    query.ownerPrefix &&
    !delegation.owner.toLowerCase().startsWith(query.ownerPrefix.toLowerCase())
  )
    return false;
  if (query.clientId !== undefined && delegation.clientId !== query.clientId) return false;
  if (query.delegationId !== undefined && delegation.delegationId !== query.delegationId) {
    return false;
  }
  if (query.status !== undefined && delegation.status !== query.status) return false;

  const expires = delegation.expires ? epochSeconds(delegation.expires) : undefined;
  if (
    query.expiresBefore &&
    (expires === undefined || !(expires < epochSeconds(query.expiresBefore)))
  )
    return false;
  if (
    query.expiresAfter &&
    (expires === undefined || !(expires > epochSeconds(query.expiresAfter)))
  )
    return false;
  return true;
}

/** Orders by the field in `direction`; delegations without a value come last in both directions. */
function compareBy(
  field: SortField,
  left: Delegation,
  right: Delegation,
  direction: 1 | -1,
): number {
  const leftValue = sortValue(field, left);
  const rightValue = sortValue(field, right);

  if (leftValue === undefined || rightValue === undefined) {
    if (leftValue === rightValue) return 0;
    return leftValue === undefined ? 1 : -1;
  }
  if (leftValue < rightValue) return -direction;
  if (leftValue > rightValue) return direction;
  return 0;
}

function sortValue(field: SortField, delegation: Delegation): string | number | undefined {
  switch (field) {
    case 'created':
      return delegation.created?.getTime();
    case 'expires':
      return delegation.expires?.getTime();
    case 'owner':
      return delegation.owner.toLowerCase() || undefined;
    case 'clientId':
      return delegation.clientId || undefined;
    case 'status':
      return delegation.status;
  }
}
