import type { Delegation } from '../../auth-server/types.ts';
import type { AuditEntryInput } from '../../store/types.ts';
import { isAppError } from '../../shared/errors.ts';
import type { TrackerContext } from '../context.ts';
import type { LogSink } from '../http/log-fields.ts';
import { auditEntry, type Actor } from '../services/audit.ts';
import {
  revokeMany,
  type RevocationFailure,
  type RevocationTarget,
  type RevokeManyProgress,
} from '../services/revocation.ts';
import { issuedQuery } from './bulk-plan.ts';
import type { BulkTarget } from './bulk-target.ts';
import { settleConcurrently } from './concurrency.ts';
import { mayHaveMorePages } from '../services/paging.ts';

/**
 * Maximum passes over a filter target. Each later pass reads the target again from the start, to
 * catch delegations that an unstable server-side order hid from the pass before. Normally it finds
 * only the failed ones and ends the run.
 */
export const MAX_PASSES = 3;

export interface BulkRunOptions {
  context: Pick<TrackerContext, 'directory' | 'store'>;
  actor: Actor;
  /** Correlation id of every audit entry of this run. */
  operationId: string;
  pageSize: number;
  concurrency: number;
  log: LogSink;
  /** Called once, before the first revocation, with the number of delegations expected. */
  onStart?: (total: number) => void;
  onProgress?: (progress: RevokeManyProgress) => void;
  /** Stops the run between pages; revocations already sent are finished and counted. */
  signal?: AbortSignal;
}

export interface BulkRunReport {
  operationId: string;
  total: number;
  revoked: number;
  alreadyRevoked: number;
  failed: RevocationFailure[];
}

/**
 * Revokes every delegation of `target` with bounded concurrency, auditing each as `bulk-revoke`.
 * One failed revocation never stops the run; it is reported with its reason. Running the same
 * target again revokes what is still issued, and ids that are already revoked count as done.
 */
export async function runBulkRevoke(
  target: BulkTarget,
  options: BulkRunOptions,
): Promise<BulkRunReport> {
  const run = new RunState(options);
  if (target.kind === 'ids') await revokeIds(target.ids, run);
  else await revokeFilter(target, run);
  return run.report();
}

/** Counters of one run, and the step that revokes a batch of targets through `revokeMany`. */
class RunState {
  readonly options: BulkRunOptions;
  total = 0;
  started = false;
  readonly #done = { count: 0, revoked: 0, alreadyRevoked: 0 };
  readonly #failed: RevocationFailure[] = [];

  constructor(options: BulkRunOptions) {
    this.options = options;
  }

  start(total: number): void {
    this.total = total;
    this.started = true;
    this.options.onStart?.(total);
  }

  /** Revokes `targets`; returns the ids that failed. */
  async revoke(targets: RevocationTarget[]): Promise<Set<string>> {
    if (targets.length === 0) return new Set();
    this.total = Math.max(this.total, this.#done.count + targets.length);
    const before = this.#done.count;
    const summary = await revokeMany(this.options.context, targets, {
      actor: this.options.actor,
      action: 'bulk-revoke',
      correlationId: this.options.operationId,
      concurrency: this.options.concurrency,
      log: this.options.log,
      onProgress: (progress) =>
        this.#emit(before + progress.done, this.#failed.length + progress.failed),
    });

    this.#done.count = before + targets.length;
    this.#done.revoked += summary.revoked;
    this.#done.alreadyRevoked += summary.alreadyRevoked;
    this.#failed.push(...summary.failed);
    return new Set(summary.failed.map((failure) => failure.id));
  }

  /** Counts an id the server no longer has, or could not be read, without a revocation call. */
  settle(outcome: 'already-revoked' | RevocationFailure): void {
    this.#done.count += 1;
    if (outcome === 'already-revoked') this.#done.alreadyRevoked += 1;
    else this.#failed.push(outcome);
    this.#emit(this.#done.count, this.#failed.length);
  }

  report(): BulkRunReport {
    return {
      operationId: this.options.operationId,
      total: Math.max(this.total, this.#done.count),
      revoked: this.#done.revoked,
      alreadyRevoked: this.#done.alreadyRevoked,
      failed: [...this.#failed],
    };
  }

  #emit(done: number, failed: number): void {
    this.options.onProgress?.({ done, failed, total: Math.max(this.total, done) });
  }
}

/**
 * Pages through the target's issued delegations and revokes each page. Revoked ones drop out of
 * the server's list, so the next page starts after the ones that are still listed: those that
 * failed, or that an earlier pass already tried. Sorting by creation time keeps the order stable
 * while the run removes entries. A pass ends as `mayHaveMorePages` decides, or at a page listed
 * before in the same pass, which a server that ignores `startIndex` returns.
 */
async function revokeFilter(
  target: Extract<BulkTarget, { kind: 'filter' }>,
  run: RunState,
): Promise<void> {
  const { directory } = run.options.context;
  const query = issuedQuery(target);
  const attempted = new Set<string>();

  for (let pass = 1; pass <= MAX_PASSES; pass += 1) {
    let startIndex = 1;
    let attemptedInPass = 0;
    const listedInPass = new Set<string>();

    for (;;) {
      run.options.signal?.throwIfAborted();
      const page = await directory.list({ ...query, startIndex, count: run.options.pageSize });
      if (!run.started) run.start(page.totalResults);
      if (page.items.every((delegation) => listedInPass.has(delegation.id))) break;
      for (const delegation of page.items) listedInPass.add(delegation.id);

      const fresh = page.items.filter((delegation) => !attempted.has(delegation.id));
      for (const delegation of fresh) attempted.add(delegation.id);
      const failed = await run.revoke(fresh.map(toRevocationTarget));
      attemptedInPass += fresh.length;

      const gone = fresh.length - failed.size;
      startIndex += page.items.length - gone;
      if (!mayHaveMorePages(page, startIndex + gone, run.options.pageSize)) break;
    }

    if (attemptedInPass === 0) return;
  }
  run.options.log.warn(
    { operationId: run.options.operationId, passes: MAX_PASSES },
    'bulk revocation stopped after the maximum number of passes; new delegations kept appearing',
  );
}

/**
 * Revokes a list of SCIM ids. Each is read first, for the owner and client in the audit entry. An
 * id the server does not return is unknown or already revoked, so it counts as done.
 */
async function revokeIds(ids: string[], run: RunState): Promise<void> {
  const { directory, store } = run.options.context;
  run.start(ids.length);

  for (let offset = 0; offset < ids.length; offset += run.options.pageSize) {
    run.options.signal?.throwIfAborted();
    const chunk = ids.slice(offset, offset + run.options.pageSize);
    const found = await settleConcurrently(chunk, run.options.concurrency, (id) =>
      directory.get(id),
    );
    const targets: RevocationTarget[] = [];

    for (const [index, result] of found.entries()) {
      const id = chunk[index]!;
      if (
        result.status === 'fulfilled' &&
        result.value !== null &&
        result.value.status === 'issued'
      ) {
        targets.push(toRevocationTarget(result.value));
        continue;
      }
      const outcome =
        result.status === 'fulfilled' ? 'already-revoked' : lookupFailure(id, result.reason);
      await store.appendAudit(
        unrevokedEntry(run, id, result.status === 'fulfilled' ? result.value : null, outcome),
      );
      run.settle(outcome);
    }

    await run.revoke(targets);
  }
}

function toRevocationTarget(delegation: Delegation): RevocationTarget {
  return {
    id: delegation.id,
    delegationId: delegation.delegationId,
    owner: delegation.owner,
    clientId: delegation.clientId,
  };
}

function lookupFailure(id: string, error: unknown): RevocationFailure {
  const base = { id, delegationId: '', owner: '', clientId: '' };
  if (isAppError(error)) return { ...base, code: error.code, message: error.message };
  return {
    ...base,
    code: 'internal_error',
    message: 'Reading the delegation failed because of an unexpected error; try again.',
  };
}

function unrevokedEntry(
  run: RunState,
  id: string,
  delegation: Delegation | null,
  outcome: 'already-revoked' | RevocationFailure,
): AuditEntryInput {
  const entry = auditEntry(run.options.actor, {
    action: 'bulk-revoke',
    scimId: id,
    result: outcome === 'already-revoked' ? 'succeeded' : 'failed',
    detail: outcome === 'already-revoked' ? 'already-revoked' : `lookup failed: ${outcome.code}`,
    correlationId: run.options.operationId,
  });
  if (delegation) {
    entry.delegationId = delegation.delegationId;
    entry.owner = delegation.owner;
    entry.clientId = delegation.clientId;
  }
  return entry;
}
