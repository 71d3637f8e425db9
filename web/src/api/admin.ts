import { requestJson, withQuery } from './http.ts';
import { streamRevocation } from './ndjson.ts';
import type {
  AdminDelegationQuery,
  AuditFilters,
  AuditPage,
  BulkDryRun,
  BulkTarget,
  DelegationPage,
  RevokeResult,
  RevokeStreamEnd,
  RevokeStreamEvent,
  UserDetail,
} from './types.ts';

/** Administrator calls: the tracker responds with 403 `not_admin` to everyone else. */

export function listAllDelegations(
  query: AdminDelegationQuery,
  signal?: AbortSignal,
): Promise<DelegationPage> {
  return requestJson(withQuery('/api/admin/delegations', { ...query }), { signal });
}

export function adminRevokeDelegation(id: string): Promise<RevokeResult> {
  return requestJson(`/api/admin/delegations/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function dryRunBulkRevoke(target: BulkTarget): Promise<BulkDryRun> {
  return requestJson('/api/admin/bulk-revoke', { method: 'POST', body: { target, dryRun: true } });
}

export function runBulkRevoke(
  target: BulkTarget,
  onEvent: (event: RevokeStreamEvent) => void,
): Promise<RevokeStreamEnd> {
  return streamRevocation('/api/admin/bulk-revoke', { target, dryRun: false }, onEvent);
}

export function getUserDetail(username: string, signal?: AbortSignal): Promise<UserDetail> {
  return requestJson(`/api/admin/users/${encodeURIComponent(username)}`, { signal });
}

export function listAudit(
  filters: AuditFilters & { beforeId?: number; limit?: number },
  signal?: AbortSignal,
): Promise<AuditPage> {
  return requestJson(withQuery('/api/admin/audit', { ...filters }), { signal });
}

export function auditExportUrl(format: 'csv' | 'jsonl', filters: AuditFilters): string {
  return withQuery('/api/admin/audit/export', { format, ...filters });
}
