import type { RevokeResult } from '../../auth-server/types.ts';
import { isAppError } from '../../shared/errors.ts';
import type { AuditAction, Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { errorLogFields, type LogSink } from '../http/log-fields.ts';
import { actorOf, auditEntry, type Actor } from './audit.ts';
import { findOwnDelegation } from './ownership.ts';
import { withTokenLock } from './token-lock.ts';

/** The fields of a delegation that revocation needs. */
export interface RevocationTarget {
  /** SCIM resource id, used in `DELETE /Delegations/{id}`. */
  id: string;
  delegationId: string;
  owner: string;
  clientId: string;
}

export interface RevocationOptions {
  actor: Actor;
  action: Extract<AuditAction, 'revoke' | 'revoke-all' | 'bulk-revoke'>;
  /** Groups the audit entries of one request or one bulk operation. */
  correlationId?: string;
}

type RevocationContext = Pick<TrackerContext, 'directory' | 'store'>;

/**
 * Revokes one delegation at the server. The `started` audit entry is written before the call, so
 * a crash in between still leaves a trace. The stored tokens are deleted only after the server
 * confirmed, under the token lock that a refresh holds. Errors propagate after a `failed` entry
 * is written.
 */
export async function revokeDelegation(
  context: RevocationContext,
  target: RevocationTarget,
  options: RevocationOptions,
): Promise<RevokeResult> {
  const audit = (result: 'started' | 'succeeded' | 'failed', detail?: string) =>
    context.store.appendAudit(
      auditEntry(options.actor, {
        action: options.action,
        delegationId: target.delegationId,
        scimId: target.id,
        owner: target.owner,
        clientId: target.clientId,
        result,
        detail,
        correlationId: options.correlationId,
      }),
    );

  await audit('started');
  let result: RevokeResult;
  try {
    result = await context.directory.revoke(target.id);
  } catch (error) {
    await audit('failed', isAppError(error) ? error.code : 'unexpected');
    throw error;
  }
  await audit('succeeded', result);

  await withTokenLock(context.store, target.delegationId, () =>
    context.store.deleteTokens(target.delegationId),
  );
  await context.store.publish({
    type: 'delegation-revoked',
    owner: target.owner,
    delegationId: target.delegationId,
    scimId: target.id,
  });
  return result;
}

/**
 * Revokes one of the session user's delegations by SCIM id. One the user already revoked returns
 * `already-revoked` without calling the server; other users' and unknown ids get 404.
 */
export async function revokeOwnDelegation(
  context: TrackerContext,
  session: Session,
  scimId: string,
  correlationId?: string,
): Promise<RevokeResult> {
  const found = await findOwnDelegation(context, session, scimId);
  if (found.state === 'ended') return 'already-revoked';
  return revokeDelegation(context, found.delegation, {
    actor: actorOf(session),
    action: 'revoke',
    correlationId,
  });
}

export interface RevokeManyProgress {
  /** Targets finished so far, failed ones included. */
  done: number;
  failed: number;
  total: number;
}

export interface RevocationFailure {
  id: string;
  delegationId: string;
  owner: string;
  clientId: string;
  code: string;
  /** The error's public message, safe to show. */
  message: string;
}

export interface RevokeManySummary {
  total: number;
  revoked: number;
  alreadyRevoked: number;
  failed: RevocationFailure[];
}

export interface RevokeManyOptions extends RevocationOptions {
  /** At most this many SCIM DELETE requests at once. */
  concurrency: number;
  log: LogSink;
  onProgress?: (progress: RevokeManyProgress) => void;
}

/**
 * Revokes many delegations with at most `concurrency` requests in flight, and never throws for
 * one target: each failure is audited, logged and returned. A temporary error (timeout, 503) is a
 * failure too, never a success, so the caller can tell the user what is still active.
 */
export async function revokeMany(
  context: RevocationContext,
  targets: readonly RevocationTarget[],
  options: RevokeManyOptions,
): Promise<RevokeManySummary> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(
      `revokeMany: concurrency must be a positive integer, got ${options.concurrency}.`,
    );
  }

  const summary: RevokeManySummary = {
    total: targets.length,
    revoked: 0,
    alreadyRevoked: 0,
    failed: [],
  };
  let next = 0;
  let done = 0;

  const revokeOne = async (target: RevocationTarget) => {
    try {
      const result = await revokeDelegation(context, target, options);
      if (result === 'revoked') summary.revoked += 1;
      else summary.alreadyRevoked += 1;
    } catch (error) {
      summary.failed.push(describeFailure(target, error));
      options.log.warn(
        {
          scimId: target.id,
          delegationId: target.delegationId,
          owner: target.owner,
          error: errorLogFields(error),
        },
        'revocation failed',
      );
    }
    done += 1;
    options.onProgress?.({ done, failed: summary.failed.length, total: summary.total });
  };

  const worker = async () => {
    while (next < targets.length) {
      const target = targets[next]!;
      next += 1;
      await revokeOne(target);
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency, targets.length) }, () =>
    worker(),
  );
  await Promise.all(workers);
  return summary;
}

function describeFailure(target: RevocationTarget, error: unknown): RevocationFailure {
  const base = {
    id: target.id,
    delegationId: target.delegationId,
    owner: target.owner,
    clientId: target.clientId,
  };
  if (isAppError(error)) return { ...base, code: error.code, message: error.message };
  return {
    ...base,
    code: 'internal_error',
    message: 'Revocation failed because of an unexpected error; try again.',
  };
}
