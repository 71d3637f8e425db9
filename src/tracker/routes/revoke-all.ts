import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../shared/errors.ts';
import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { errorLogFields } from '../http/log-fields.ts';
import { NdjsonStream } from '../http/ndjson.ts';
import { csrfProtection } from '../security/csrf.ts';
import { requireSession } from '../security/guards.ts';
import { actorOf } from '../services/audit.ts';
import { endSession } from '../services/logout.ts';
import {
  revokeMany,
  type RevocationTarget,
  type RevokeManySummary,
} from '../services/revocation.ts';
import { listAllIssued } from '../services/revoke-all.ts';

/**
 * POST /api/revoke-all: revokes every issued delegation of the user, streaming NDJSON progress,
 * and ends the session only when none failed. The list is read before the stream opens, so an
 * unreachable server still gets a normal JSON error response. The session cookie cannot be
 * cleared once the stream has started, so GET /auth/logged-out clears it when the logout returns.
 */
export async function revokeAllRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  app.post(
    '/api/revoke-all',
    { preHandler: csrfProtection(context.config.tracker.publicUrl) },
    async (request, reply) => {
      const session = requireSession(request);
      const targets = await listAllIssued(context, session.username);
      void streamRevokeAll(context, request, reply, session, targets);
      return reply;
    },
  );
}

async function streamRevokeAll(
  context: TrackerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: Session,
  targets: RevocationTarget[],
): Promise<void> {
  const stream = new NdjsonStream(reply);
  try {
    stream.write({ type: 'start', total: targets.length });
    const summary = await revokeTargets(context, request, session, targets, stream);
    const logoutUrl =
      summary.failed.length === 0 ? (await endSession(context, session)).logoutUrl : null;
    stream.write(endLine(summary, logoutUrl));
    logSummary(request, session, summary);
  } catch (error) {
    request.log.error(
      { username: session.username, error: errorLogFields(error, { stack: !isAppError(error) }) },
      'revoke-all failed',
    );
    stream.write({ type: 'error', error: publicError(error) });
  } finally {
    stream.end();
  }
}

function revokeTargets(
  context: TrackerContext,
  request: FastifyRequest,
  session: Session,
  targets: RevocationTarget[],
  stream: NdjsonStream,
): Promise<RevokeManySummary> {
  return revokeMany(context, targets, {
    actor: actorOf(session),
    action: 'revoke-all',
    correlationId: request.id,
    concurrency: context.config.authServer.scim.revokeConcurrency,
    log: request.log,
    onProgress: (progress) => stream.write({ type: 'progress', ...progress }),
  });
}

function endLine(summary: RevokeManySummary, logoutUrl: string | null): Record<string, unknown> {
  return {
    type: 'end',
    revoked: summary.revoked,
    alreadyRevoked: summary.alreadyRevoked,
    failed: summary.failed.map(({ id, delegationId, clientId, message }) => ({
      id,
      delegationId,
      clientId,
      message,
    })),
    logoutUrl,
  };
}

function logSummary(request: FastifyRequest, session: Session, summary: RevokeManySummary): void {
  request.log.info(
    {
      username: session.username,
      total: summary.total,
      revoked: summary.revoked,
      alreadyRevoked: summary.alreadyRevoked,
      failed: summary.failed.length,
    },
    'revoke-all finished',
  );
}

function publicError(error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return {
    code: 'internal_error',
    message: 'Revoking stopped because of an unexpected error. Reload the list and try again.',
  };
}
