import { AppError } from '../../shared/errors.ts';
import type { AuditEntry, AuditEntryInput, AuditQuery } from '../types.ts';
import type { SqlDatabase } from './database.ts';
import { toAuditEntry, type Row } from './rows.ts';

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

const AUDIT_COLUMNS =
  'id, at, actor, actor_is_admin, action, delegation_id, scim_id, owner, client_id, result, detail, correlation_id';

export async function insertAuditEntry(
  db: SqlDatabase,
  entry: AuditEntryInput,
  at: Date,
): Promise<AuditEntry> {
  const rows = await db.query<Row>(
    `INSERT INTO audit_log (at, actor, actor_is_admin, action, delegation_id, scim_id, owner,
       client_id, result, detail, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${AUDIT_COLUMNS}`,
    [
      at,
      entry.actor,
      entry.actorIsAdmin,
      entry.action,
      entry.delegationId,
      entry.scimId,
      entry.owner,
      entry.clientId,
      entry.result,
      entry.detail,
      entry.correlationId,
    ],
  );
  return toAuditEntry(rows[0]!);
}

/**
 * Returns entries that match every given filter, newest (highest id) first. `since` is
 * inclusive and `until` exclusive. Page on with `beforeId` set to the last id of a page.
 */
export async function selectAuditEntries(
  db: SqlDatabase,
  query: AuditQuery,
): Promise<AuditEntry[]> {
  const limit = validateLimit(query.limit);
  const conditions: string[] = [];
  const params: unknown[] = [];
  const addCondition = (sql: string, value: unknown): void => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };

  if (query.actor !== undefined) addCondition('actor = ?', query.actor);
  if (query.owner !== undefined) addCondition('owner = ?', query.owner);
  if (query.action !== undefined) addCondition('action = ?', query.action);
  if (query.result !== undefined) addCondition('result = ?', query.result);
  if (query.since !== undefined) addCondition('at >= ?', validateDate(query.since, 'since'));
  if (query.until !== undefined) addCondition('at < ?', validateDate(query.until, 'until'));
  if (query.beforeId !== undefined) addCondition('id < ?', validateBeforeId(query.beforeId));

  params.push(limit);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = await db.query<Row>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toAuditEntry);
}

function validateLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
    throw invalidQuery(`limit must be an integer from 1 to ${MAX_AUDIT_LIMIT} (got ${limit})`);
  }
  return limit;
}

function validateBeforeId(beforeId: number): number {
  if (!Number.isSafeInteger(beforeId) || beforeId < 1) {
    throw invalidQuery(`beforeId must be a positive integer (got ${beforeId})`);
  }
  return beforeId;
}

function validateDate(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidQuery(`${name} must be a valid date (got ${String(value)})`);
  }
  return value;
}

function invalidQuery(reason: string): AppError {
  return new AppError('invalid_audit_query', 400, `Invalid audit query: ${reason}.`);
}
