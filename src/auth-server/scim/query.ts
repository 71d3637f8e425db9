import { AppError } from '../../shared/errors.ts';
import type { DelegationQuery, SortField } from '../types.ts';

const SORT_FIELDS: readonly SortField[] = ['created', 'expires', 'owner', 'clientId', 'status'];

/** A DelegationQuery whose paging and sorting are filled in and checked. */
export interface CheckedQuery extends DelegationQuery {
  startIndex: number;
  count: number;
}

/** Checks a query and fills in the paging defaults; throws `invalid_delegation_query` (400) on bad input. */
export function checkQuery(query: DelegationQuery, defaultCount: number): CheckedQuery {
  const startIndex = query.startIndex ?? 1;
  const count = query.count ?? defaultCount;

  if (!Number.isInteger(startIndex) || startIndex < 1) {
    throw invalidQuery(
      `startIndex ${String(startIndex)} is not an integer of 1 or more; SCIM counts from 1`,
    );
  }
  if (!Number.isInteger(count) || count < 0) {
    throw invalidQuery(`count ${String(count)} is not an integer of 0 or more`);
  }
  if (query.sortBy !== undefined && !SORT_FIELDS.includes(query.sortBy)) {
    throw invalidQuery(`sortBy "${String(query.sortBy)}" is not one of ${SORT_FIELDS.join(', ')}`);
  }
  if (
    query.sortOrder !== undefined &&
    query.sortOrder !== 'ascending' &&
    query.sortOrder !== 'descending'
  ) {
    throw invalidQuery(`sortOrder "${String(query.sortOrder)}" is not "ascending" or "descending"`);
  }
  if (query.status !== undefined && query.status !== 'issued' && query.status !== 'revoked') {
    throw invalidQuery(`status "${String(query.status)}" is not "issued" or "revoked"`);
  }
  for (const name of ['expiresBefore', 'expiresAfter'] as const) {
    const value = query[name];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
      throw invalidQuery(`${name} is not a valid date`);
    }
  }

  return { ...query, startIndex, count };
}

function invalidQuery(problem: string): AppError {
  return new AppError('invalid_delegation_query', 400, `Invalid delegation query: ${problem}.`);
}

/**
 * Returns a SCIM id encoded as one URL path segment. An empty id would address the collection, and
 * "." or ".." would leave it, because encodeURIComponent keeps dots and URL parsers resolve them.
 * A lone UTF-16 surrogate cannot be percent-encoded at all.
 */
export function encodeResourceId(id: string): string {
  const invalid = new AppError(
    'invalid_delegation_id',
    400,
    `Invalid delegation id ${JSON.stringify(id)}: use the SCIM "id" of a delegation as the list returned it.`,
  );
  if (typeof id !== 'string' || id === '' || id === '.' || id === '..') throw invalid;
  try {
    return encodeURIComponent(id);
  } catch {
    throw invalid;
  }
}
