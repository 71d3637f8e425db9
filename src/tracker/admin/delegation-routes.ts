import type { FastifyInstance } from 'fastify';
import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { csrfProtection } from '../security/csrf.ts';
import { requireAdmin } from '../security/guards.ts';
import { publicDeviceId } from '../security/secrets.ts';
import { actorOf, auditEntry } from '../services/audit.ts';
import { revokeDelegation } from '../services/revocation.ts';
import { parseAdminDelegationQuery } from './delegation-query.ts';
import { checkScimId, type RawQuery } from './params.ts';
import { presentDelegations, type PresentOptions } from './present.ts';

/** GET /api/admin/delegations (every user's, one SCIM page a request) and DELETE of one. */
export async function adminDelegationRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  app.get('/api/admin/delegations', async (request) => {
    const session = requireAdmin(request);
    const query = parseAdminDelegationQuery(request.query as RawQuery);
    const page = await context.directory.list(query);
    return {
      items: await presentDelegations(page.items, presentOptionsFor(context, session)),
      totalResults: page.totalResults,
      startIndex: page.startIndex,
      itemsPerPage: page.itemsPerPage,
    };
  });

  app.delete<{ Params: { id: string } }>(
    '/api/admin/delegations/:id',
    { preHandler: csrfProtection(context.config.tracker.publicUrl) },
    async (request) => {
      const session = requireAdmin(request);
      const id = checkScimId('id', request.params.id);
      const result = await revokeAnyDelegation(context, session, id, request.id);
      request.log.info(
        { admin: session.username, scimId: id, result },
        'administrator revoked a delegation',
      );
      return { result };
    },
  );
}

export function presentOptionsFor(context: TrackerContext, session: Session): PresentOptions {
  return {
    store: context.store,
    clients: context.relyingParty.clients(),
    viewerPublicId: publicDeviceId(session.deviceId, context.config.tracker.cookieSecret),
  };
}

/**
 * Revokes any user's delegation. The delegation is read first so the audit entries name its owner
 * and client. One the server no longer returns (unknown or already revoked, which SCIM does not
 * tell apart) gets one `succeeded` entry and the result `already-revoked`.
 */
async function revokeAnyDelegation(
  context: TrackerContext,
  session: Session,
  id: string,
  requestId: string,
) {
  const delegation = await context.directory.get(id);
  if (delegation === null || delegation.status !== 'issued') {
    await context.store.appendAudit(
      auditEntry(actorOf(session), {
        action: 'revoke',
        scimId: id,
        delegationId: delegation?.delegationId,
        owner: delegation?.owner,
        clientId: delegation?.clientId,
        result: 'succeeded',
        detail: 'already-revoked',
        correlationId: requestId,
      }),
    );
    return 'already-revoked' as const;
  }

  return revokeDelegation(context, delegation, {
    actor: actorOf(session),
    action: 'revoke',
    correlationId: requestId,
  });
}
