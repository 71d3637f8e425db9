import type { DelegationDirectory } from '../auth-server/types.ts';
import { isAppError } from '../shared/errors.ts';

/** The kind of id a `--id` value matched: the SCIM id or the delegation id (SCIM `externalId`). */
export type IdKind = 'SCIM id' | 'delegation id';

export interface ResolvedIds {
  /** SCIM ids to act on, in the order given, without repeats. */
  scimIds: string[];
  matches: { given: string; scimId: string; kind: IdKind }[];
  /** Values that are neither the SCIM id nor the delegation id of a delegation the server returns. */
  unknown: string[];
}

/**
 * Resolves each value of `--id` to a SCIM id: first as a SCIM id (GET /Delegations/{id}), then, if
 * that finds nothing, as a delegation id with the filter `externalId eq "…"`.
 */
export async function resolveDelegationIds(
  directory: DelegationDirectory,
  given: readonly string[],
  signal?: AbortSignal,
): Promise<ResolvedIds> {
  const result: ResolvedIds = { scimIds: [], matches: [], unknown: [] };

  for (const value of given) {
    const match = await findById(directory, value, signal);
    if (!match) {
      result.unknown.push(value);
      continue;
    }
    result.matches.push({ given: value, ...match });
    if (!result.scimIds.includes(match.scimId)) result.scimIds.push(match.scimId);
  }
  return result;
}

async function findById(
  directory: DelegationDirectory,
  value: string,
  signal: AbortSignal | undefined,
): Promise<{ scimId: string; kind: IdKind } | undefined> {
  if (await existsAsScimId(directory, value, signal)) return { scimId: value, kind: 'SCIM id' };

  const page = await directory.list({ delegationId: value, startIndex: 1, count: 1 }, signal);
  const delegation = page.items[0];
  return delegation ? { scimId: delegation.id, kind: 'delegation id' } : undefined;
}

async function existsAsScimId(
  directory: DelegationDirectory,
  value: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    return (await directory.get(value, signal)) !== null;
  } catch (error) {
    // A value that cannot be a URL path segment ("." or "..") is no SCIM id, but may be a delegation id.
    if (isAppError(error) && error.code === 'invalid_delegation_id') return false;
    throw error;
  }
}

/** Names an id that matched nothing, and the two kinds of id `--id` accepts. */
export function describeUnknownId(value: string): string {
  return `Unknown id ${JSON.stringify(value)}: no delegation has it as SCIM id (the ID column of \`delegations list\`) or as delegation id (the DELEGATION ID column, the token response's delegation_id). A SCIM id of an already revoked delegation is unknown too.`;
}
