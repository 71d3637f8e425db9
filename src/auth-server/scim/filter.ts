import type { DelegationQuery } from '../types.ts';

/**
 * Quotes a value as a filter string literal. RFC 7644 §3.4.2.2 takes the JSON string syntax of
 * RFC 7159 for compValue, and JSON.stringify produces exactly that: it escapes `"`, `\` and the
 * control characters, so no value can end the literal and change the filter.
 */
export function quoteFilterValue(value: string): string {
  return JSON.stringify(value);
}

/** Epoch seconds, the unit in which Curity stores and compares `expires`. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * Builds the SCIM filter for a query on the current resource shape (`owner`, `clientId`,
 * `externalId`, `status`, `expires`), or undefined when the query does not filter.
 */
export function buildFilter(query: DelegationQuery): string | undefined {
  const clauses: string[] = [];

  if (query.owner !== undefined) clauses.push(`owner eq ${quoteFilterValue(query.owner)}`);
  if (query.ownerPrefix) clauses.push(`owner sw ${quoteFilterValue(query.ownerPrefix)}`);
  if (query.clientId !== undefined) clauses.push(`clientId eq ${quoteFilterValue(query.clientId)}`);
  if (query.delegationId !== undefined) {
    clauses.push(`externalId eq ${quoteFilterValue(query.delegationId)}`);
  }
  if (query.status !== undefined) clauses.push(`status eq ${quoteFilterValue(query.status)}`);
  if (query.expiresBefore) clauses.push(`expires lt ${epochSeconds(query.expiresBefore)}`);
  if (query.expiresAfter) clauses.push(`expires gt ${epochSeconds(query.expiresAfter)}`);

  return clauses.length > 0 ? clauses.join(' and ') : undefined;
}
