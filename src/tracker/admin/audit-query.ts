import type { AuditAction, AuditQuery } from '../../store/types.ts';
import {
  invalidParameter,
  readChoice,
  readDate,
  readInteger,
  readText,
  rejectUnknownParameters,
  type RawQuery,
} from './params.ts';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'sign-in',
  'refresh',
  'introspect',
  'revoke',
  'revoke-all',
  'bulk-revoke',
  'logout',
];
export const AUDIT_RESULTS = ['started', 'succeeded', 'failed'] as const;
export const DEFAULT_AUDIT_PAGE_SIZE = 100;
export const MAX_AUDIT_PAGE_SIZE = 500;
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const FILTERS = ['actor', 'owner', 'action', 'result', 'since', 'until'] as const;

export type AuditFilters = Omit<AuditQuery, 'beforeId' | 'limit'>;

/** Parses `GET /api/admin/audit`: the filters plus keyset paging (`beforeId`, `limit`). */
export function parseAuditPageQuery(
  query: RawQuery,
): AuditFilters & { beforeId?: number; limit: number } {
  rejectUnknownParameters(query, [...FILTERS, 'beforeId', 'limit']);
  const filters = readFilters(query);
  const beforeId = readInteger(query, 'beforeId', { min: 1, max: Number.MAX_SAFE_INTEGER });
  const limit =
    readInteger(query, 'limit', { min: 1, max: MAX_AUDIT_PAGE_SIZE }) ?? DEFAULT_AUDIT_PAGE_SIZE;
  return beforeId === undefined ? { ...filters, limit } : { ...filters, beforeId, limit };
}

/** Parses `GET /api/admin/audit/export`: the filters plus the required `format`. */
export function parseAuditExportQuery(query: RawQuery): {
  filters: AuditFilters;
  format: ExportFormat;
} {
  rejectUnknownParameters(query, [...FILTERS, 'format']);
  const format = readChoice(query, 'format', EXPORT_FORMATS);
  if (format === undefined) throw invalidParameter('format', query.format ?? null, 'csv or jsonl');
  return { filters: readFilters(query), format };
}

function readFilters(query: RawQuery): AuditFilters {
  const since = readDate(query, 'since');
  const until = readDate(query, 'until');
  if (since && until && since >= until) {
    throw invalidParameter(
      'since',
      since.toISOString(),
      `a time earlier than until (${until.toISOString()})`,
    );
  }

  const filters: AuditFilters = {};
  const actor = readText(query, 'actor');
  const owner = readText(query, 'owner');
  const action = readChoice(query, 'action', AUDIT_ACTIONS);
  const result = readChoice(query, 'result', AUDIT_RESULTS);
  if (actor !== undefined) filters.actor = actor;
  if (owner !== undefined) filters.owner = owner;
  if (action !== undefined) filters.action = action;
  if (result !== undefined) filters.result = result;
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
  return filters;
}
