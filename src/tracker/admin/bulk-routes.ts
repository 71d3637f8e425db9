import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../shared/errors.ts';
import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { errorLogFields } from '../http/log-fields.ts';
import { NdjsonStream } from '../http/ndjson.ts';
import { csrfProtection } from '../security/csrf.ts';
import { requireAdmin } from '../security/guards.ts';
import { actorOf } from '../services/audit.ts';
import type { RevokeManyProgress } from '../services/revocation.ts';
import { planBulkRevoke } from './bulk-plan.ts';
import { runBulkRevoke, type BulkRunReport } from './bulk-run.ts';
import { parseBulkTarget, type BulkTarget } from './bulk-target.ts';
import { invalidParameter } from './params.ts';

/** Progress lines per run at most, so a run over many thousands of delegations stays readable. */
const MAX_PROGRESS_LINES = 200;

/**
 * Failures listed by name in the `end` line; `failedCount` always has the full number, and
 * re-running the same target retries them all.
 */
const MAX_LISTED_FAILURES = 1000;

interface BulkBody {
  target: BulkTarget;
  dryRun: boolean;
}

/**
 * POST /api/admin/bulk-revoke. A dry run returns counts per user and client. A run streams NDJSON
 * progress and keeps going when the administrator's connection drops, because a revocation after a
 * stolen laptop must not stop halfway. The audit trail records every step under the `operationId`.
 */
export async function adminBulkRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  app.post(
    '/api/admin/bulk-revoke',
    { preHandler: csrfProtection(context.config.tracker.publicUrl) },
    async (request, reply) => {
      const session = requireAdmin(request);
      const body = parseBody(request.body);
      const scim = context.config.authServer.scim;

      if (body.dryRun) {
        return planBulkRevoke(body.target, {
          directory: context.directory,
          pageSize: scim.pageSize,
          concurrency: scim.revokeConcurrency,
        });
      }
      await streamBulkRevoke(context, request, reply, session, body.target);
      return reply;
    },
  );
}

function parseBody(body: unknown): BulkBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidParameter('body', body ?? null, 'a JSON object { target, dryRun }');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((name) => name !== 'target' && name !== 'dryRun');
  if (unknown !== undefined)
    throw invalidParameter(unknown, fields[unknown], 'no such field; send only target and dryRun');
  if (typeof fields.dryRun !== 'boolean')
    throw invalidParameter('dryRun', fields.dryRun ?? null, 'true or false');
  return { target: parseBulkTarget(fields.target), dryRun: fields.dryRun };
}

/**
 * Runs the revocation and writes its lines. The stream opens at the run's start, after the first
 * page was read, so an unreachable server before that still gets a normal JSON error response.
 */
async function streamBulkRevoke(
  context: TrackerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: Session,
  target: BulkTarget,
): Promise<void> {
  const operationId = randomUUID();
  const log = request.log.child({ operationId, admin: session.username });
  let stream: NdjsonStream | undefined;
  let lastLine = 0;
  let step = 1;

  const onProgress = (progress: RevokeManyProgress): void => {
    const due = progress.done - lastLine >= step || progress.done === progress.total;
    if (!stream || !due) return;
    lastLine = progress.done;
    stream.write({ type: 'progress', ...progress });
  };

  log.info(
    { target: target.kind === 'ids' ? { kind: 'ids', count: target.ids.length } : target },
    'bulk revocation started',
  );
  try {
    const report = await runBulkRevoke(target, {
      context,
      actor: actorOf(session),
      operationId,
      pageSize: context.config.authServer.scim.pageSize,
      concurrency: context.config.authServer.scim.revokeConcurrency,
      log,
      onStart: (total) => {
        step = Math.max(1, Math.ceil(total / MAX_PROGRESS_LINES));
        stream = new NdjsonStream(reply);
        stream.write({ type: 'start', total, operationId });
      },
      onProgress,
    });
    stream?.write(endLine(report));
    log.info(
      {
        total: report.total,
        revoked: report.revoked,
        alreadyRevoked: report.alreadyRevoked,
        failed: report.failed.length,
      },
      'bulk revocation finished',
    );
  } catch (error) {
    if (!stream) throw error;
    log.error(
      { error: errorLogFields(error, { stack: !isAppError(error) }) },
      'bulk revocation stopped',
    );
    stream.write({ type: 'error', operationId, error: publicError(error) });
  } finally {
    stream?.end();
  }
}

function endLine(report: BulkRunReport): Record<string, unknown> {
  return {
    type: 'end',
    operationId: report.operationId,
    total: report.total,
    revoked: report.revoked,
    alreadyRevoked: report.alreadyRevoked,
    failedCount: report.failed.length,
    failed: report.failed
      .slice(0, MAX_LISTED_FAILURES)
      .map(({ id, delegationId, owner, clientId, code, message }) => ({
        id,
        delegationId,
        owner,
        clientId,
        code,
        message,
      })),
    logoutUrl: null,
  };
}

function publicError(error: unknown): { code: string; message: string } {
  if (isAppError(error))
    return {
      code: error.code,
      message: `${error.message} Revocations done so far stay done; run the same target again to finish.`,
    };
  return {
    code: 'internal_error',
    message:
      'The bulk revocation stopped because of an unexpected error. Run the same target again to finish it.',
  };
}
