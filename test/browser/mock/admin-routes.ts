import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { MockAuditEntry, MockDelegation, MockSession, MockState } from './data.ts';
import {
  checkCsrf,
  MockError,
  page,
  positiveInteger,
  present,
  requireAdmin,
  streamRevocation,
} from './http.ts';
import { revokeOrFail } from './user-routes.ts';

type Query = Record<string, string | undefined>;
type Target = { user?: string; client?: string; ids?: string[] };

/** Serves the administrator routes of docs/api.md from the mock's in-memory delegations. */
export async function adminRoutes(app: FastifyInstance, state: MockState): Promise<void> {
  app.get<{ Querystring: Query }>('/api/admin/delegations', async (request) => {
    const session = requireAdmin(state, request);
    const query = request.query;
    const items = filterDelegations([...state.delegations.values()], query)
      .sort(comparator(query.sortBy ?? 'expires', query.sortOrder === 'descending' ? -1 : 1))
      .map((delegation) => present(state, delegation, session, false));
    return page(items, positiveInteger(query.startIndex, 1), positiveInteger(query.count, 50));
  });

  app.delete<{ Params: { id: string } }>('/api/admin/delegations/:id', async (request) => {
    const session = requireAdmin(state, request);
    checkCsrf(request, session);
    const delegation = state.delegations.get(request.params.id);
    if (!delegation) return { result: 'already-revoked' };
    const result = revokeOrFail(state, delegation);
    audit(state, session, 'revoke', delegation);
    return { result };
  });

  app.post<{ Body: { target?: Target; dryRun?: boolean } }>(
    '/api/admin/bulk-revoke',
    async (request, reply) => {
      const session = requireAdmin(state, request);
      checkCsrf(request, session);
      const targets = resolveTarget(state, request.body?.target);

      if (request.body?.dryRun !== false) {
        return {
          total: targets.length,
          users: tally(targets, 'owner', 'username'),
          clients: tally(targets, 'clientId', 'clientId'),
        };
      }
      const operationId = randomUUID();
      await streamRevocation(reply, { state, targets, operationId });
      for (const delegation of targets)
        audit(state, session, 'bulk-revoke', delegation, operationId);
      return reply;
    },
  );

  app.get<{ Params: { username: string } }>('/api/admin/users/:username', async (request) => {
    const session = requireAdmin(state, request);
    const groups = new Map<string, { device: unknown; clientId: string; items: unknown[] }>();
    for (const delegation of state.issued(request.params.username)) {
      const view = present(state, delegation, session, false);
      const key = `${view.device?.publicId ?? ''}|${delegation.clientId}`;
      const group = groups.get(key) ?? {
        device: view.device,
        clientId: delegation.clientId,
        items: [],
      };
      group.items.push(view);
      groups.set(key, group);
    }
    return { username: request.params.username, groups: [...groups.values()] };
  });

  app.get<{ Querystring: Query }>('/api/admin/audit', async (request) => {
    requireAdmin(state, request);
    const limit = positiveInteger(request.query.limit, 100);
    const beforeId = positiveInteger(request.query.beforeId, Number.MAX_SAFE_INTEGER);
    const matching = filterAudit(state.audit, request.query).filter((entry) => entry.id < beforeId);
    const items = matching.slice(0, limit);
    return { items, nextBeforeId: matching.length > limit ? items[items.length - 1]!.id : null };
  });

  app.get<{ Querystring: Query }>('/api/admin/audit/export', async (request, reply) => {
    requireAdmin(state, request);
    const entries = filterAudit(state.audit, request.query);
    const csv = request.query.format === 'csv';
    const body = csv
      ? [
          'id,at,actor,action,result',
          ...entries.map((e) => `${e.id},${e.at},${e.actor},${e.action},${e.result}`),
        ].join('\n')
      : entries.map((entry) => JSON.stringify(entry)).join('\n');
    return reply
      .header('Content-Disposition', `attachment; filename="audit.${csv ? 'csv' : 'jsonl'}"`)
      .type(csv ? 'text/csv' : 'application/x-ndjson')
      .send(`${body}\n`);
  });
}

function filterDelegations(all: MockDelegation[], query: Query): MockDelegation[] {
  if (query.user && query.userPrefix) {
    throw new MockError(
      400,
      'invalid_request',
      'Invalid parameter "userPrefix": expected no value when "user" is set.',
    );
  }
  const status = query.status ?? 'issued';
  return all.filter(
    (delegation) =>
      delegation.status === status &&
      (!query.user || delegation.owner === query.user) &&
      (!query.userPrefix || delegation.owner.startsWith(query.userPrefix)) &&
      (!query.client || delegation.clientId === query.client) &&
      (!query.expiresBefore || delegation.expires < query.expiresBefore) &&
      (!query.expiresAfter || delegation.expires > query.expiresAfter),
  );
}

function comparator(field: string, direction: number) {
  const key = field as keyof MockDelegation;
  return (a: MockDelegation, b: MockDelegation) =>
    String(a[key]).localeCompare(String(b[key])) * direction;
}

function resolveTarget(state: MockState, target: Target | undefined): MockDelegation[] {
  if (target?.ids) {
    return target.ids.flatMap((id) => {
      const delegation = state.delegations.get(id);
      return delegation?.status === 'issued' ? [delegation] : [];
    });
  }
  if (!target?.user && !target?.client) {
    throw new MockError(400, 'invalid_request', 'target needs "user", "client" or "ids".');
  }
  return state
    .issued()
    .filter(
      (d) =>
        (!target.user || d.owner === target.user) &&
        (!target.client || d.clientId === target.client),
    );
}

function tally<K extends string>(
  delegations: MockDelegation[],
  field: 'owner' | 'clientId',
  name: K,
) {
  const counts = new Map<string, number>();
  for (const delegation of delegations)
    counts.set(delegation[field], (counts.get(delegation[field]) ?? 0) + 1);
  return [...counts].map(
    ([value, count]) => ({ [name]: value, count }) as Record<K, string> & { count: number },
  );
}

function filterAudit(entries: MockAuditEntry[], query: Query): MockAuditEntry[] {
  return [...entries]
    .reverse()
    .filter(
      (entry) =>
        (!query.actor || entry.actor === query.actor) &&
        (!query.owner || entry.owner === query.owner) &&
        (!query.action || entry.action === query.action) &&
        (!query.result || entry.result === query.result) &&
        (!query.since || entry.at >= query.since) &&
        (!query.until || entry.at < query.until),
    );
}

function audit(
  state: MockState,
  session: MockSession,
  action: string,
  delegation: MockDelegation,
  correlationId?: string,
) {
  state.appendAudit({
    actor: session.username,
    actorIsAdmin: true,
    action,
    delegationId: delegation.delegationId,
    scimId: delegation.id,
    owner: delegation.owner,
    clientId: delegation.clientId,
    result: delegation.status === 'revoked' ? 'succeeded' : 'failed',
    ...(correlationId ? { correlationId } : {}),
  });
}
