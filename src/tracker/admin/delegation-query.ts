import type { DelegationQuery } from '../../auth-server/types.ts';
import {
  invalidParameter,
  readChoice,
  readDate,
  readInteger,
  readText,
  rejectUnknownParameters,
  type RawQuery,
} from './params.ts';

export const ADMIN_SORT_FIELDS = ['created', 'expires', 'owner', 'clientId'] as const;
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page one request may ask for: each page is one SCIM request and one device lookup. */
export const MAX_PAGE_SIZE = 500;

const PARAMETERS = [
  'user',
  'userPrefix',
  'client',
  'status',
  'expiresBefore',
  'expiresAfter',
  'sortBy',
  'sortOrder',
  'startIndex',
  'count',
] as const;

/**
 * Translates the query string of `GET /api/admin/delegations` into one SCIM page request.
 * Throws 400 `invalid_request` naming the first invalid parameter.
 */
export function parseAdminDelegationQuery(
  query: RawQuery,
): DelegationQuery & { startIndex: number; count: number } {
  rejectUnknownParameters(query, PARAMETERS);

  const user = readText(query, 'user');
  const userPrefix = readText(query, 'userPrefix');
  if (user !== undefined && userPrefix !== undefined) {
    throw invalidParameter(
      'userPrefix',
      userPrefix,
      'no value when "user" is set; use one of the two',
    );
  }
  const expiresBefore = readDate(query, 'expiresBefore');
  const expiresAfter = readDate(query, 'expiresAfter');
  if (expiresBefore && expiresAfter && expiresAfter >= expiresBefore) {
    throw invalidParameter(
      'expiresAfter',
      expiresAfter.toISOString(),
      `a time earlier than expiresBefore (${expiresBefore.toISOString()})`,
    );
  }

  return withoutUndefined({
    owner: user,
    ownerPrefix: userPrefix,
    clientId: readText(query, 'client'),
    status: readChoice(query, 'status', ['issued', 'revoked'] as const),
    expiresBefore,
    expiresAfter,
    sortBy: readChoice(query, 'sortBy', ADMIN_SORT_FIELDS),
    sortOrder: readChoice(query, 'sortOrder', ['ascending', 'descending'] as const),
    startIndex: readInteger(query, 'startIndex', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1,
    count: readInteger(query, 'count', { min: 1, max: MAX_PAGE_SIZE }) ?? DEFAULT_PAGE_SIZE,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
