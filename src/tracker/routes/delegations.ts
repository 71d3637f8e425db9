import type { FastifyInstance } from 'fastify';
import type { IntrospectionMode } from '../../auth-server/types.ts';
import type { TrackerContext } from '../context.ts';
import { csrfProtection } from '../security/csrf.ts';
import { requireSession } from '../security/guards.ts';
import { introspectDelegation, refreshDelegation } from '../services/actions.ts';
import { listOwnDelegations } from '../services/delegations.ts';
import { revokeOwnDelegation } from '../services/revocation.ts';

/** The maximum page size of GET /api/delegations. */
export const MAX_PAGE_SIZE = 200;

const listQuery = {
  type: 'object',
  properties: {
    startIndex: { type: 'integer', minimum: 1, default: 1 },
    count: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 512 } },
} as const;

/** `null` admits an empty body: the JSON parser turns it into no body, which Ajv validates as null. */
const introspectBody = {
  type: ['object', 'null'],
  properties: { mode: { type: 'string', enum: ['json', 'jwt'] } },
} as const;

interface IdParams {
  id: string;
}

/** Registers the routes that list, refresh, introspect and revoke the signed-in user's delegations. */
export async function delegationRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  const csrf = csrfProtection(context.config.tracker.publicUrl);

  app.get<{ Querystring: { startIndex: number; count: number } }>(
    '/api/delegations',
    { schema: { querystring: listQuery } },
    async (request) => listOwnDelegations(context, requireSession(request), request.query),
  );

  app.post<{ Params: IdParams }>(
    '/api/delegations/:id/refresh',
    { schema: { params: idParams }, preHandler: csrf },
    async (request) => {
      const session = requireSession(request);
      const outcome = await refreshDelegation(context, session, request.params.id);
      request.log.info(
        { username: session.username, delegationId: outcome.delegationId },
        'delegation refreshed',
      );
      return outcome;
    },
  );

  app.post<{ Params: IdParams; Body: { mode?: IntrospectionMode } | undefined }>(
    '/api/delegations/:id/introspect',
    { schema: { params: idParams, body: introspectBody }, preHandler: csrf },
    async (request) =>
      introspectDelegation(context, requireSession(request), request.params.id, request.body?.mode),
  );

  app.delete<{ Params: IdParams }>(
    '/api/delegations/:id',
    { schema: { params: idParams }, preHandler: csrf },
    async (request) => {
      const session = requireSession(request);
      const result = await revokeOwnDelegation(context, session, request.params.id, request.id);
      request.log.info(
        { username: session.username, scimId: request.params.id, result },
        'delegation revoked',
      );
      return { result };
    },
  );
}
