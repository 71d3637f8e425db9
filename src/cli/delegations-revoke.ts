import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { planBulkRevoke, issuedQuery, type DryRunReport } from '../tracker/admin/bulk-plan.ts';
import { runBulkRevoke, type BulkRunReport } from '../tracker/admin/bulk-run.ts';
import { describeTarget, MAX_TARGET_IDS, type BulkTarget } from '../tracker/admin/bulk-target.ts';
import { cliActor, type AdminTools } from './admin-tools.ts';
import { canAsk, confirm } from './confirm.ts';
import { describeUnknownId, resolveDelegationIds } from './delegation-ids.ts';
import { nonEmpty } from './delegations-list.ts';
import { createProgressDisplay } from './progress.ts';
import { formatTable } from './table.ts';
import { plural } from './plural.ts';
import { UsageError } from './usage.ts';

export const REVOKE_HELP = `Usage: session-tracker delegations revoke (--id ID... | --user U | --client C) [--dry-run] [--yes]

Revokes delegations at the authorization server with the tracker's SCIM client, and records every
revocation in the tracker's audit trail with the actor "cli:<your OS username>".

Target (one of):
  --id ID       the delegation with SCIM id ID (the ID column of \`list\`) or, if none has it, with
                delegation id ID (the DELEGATION ID column); repeat for several (at most ${MAX_TARGET_IDS})
  --user U      every issued delegation of user U (revoked ones are left out, as in \`list\`)
  --client C    every issued delegation of client C; with --user, only that user's at client C

Options:
  --dry-run     count what would be revoked, per user and client, and revoke nothing
  --yes         revoke more than one delegation without asking; required when stdin is not a
                terminal
  -h, --help    show this help

Exit codes: 0 done, 1 an id is unknown, some revocations failed or the server could not be
reached, 2 invalid
arguments or confirmation refused. Running the same command again finishes what failed.`;

interface RevokeOptions {
  target: BulkTarget;
  dryRun: boolean;
  yes: boolean;
}

export function parseRevokeArguments(args: string[]): RevokeOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string', multiple: true },
      user: { type: 'string' },
      client: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return 'help';
  return { target: parseTarget(values), dryRun: values['dry-run'], yes: values.yes };
}

function parseTarget(values: {
  id?: string[] | undefined;
  user?: string | undefined;
  client?: string | undefined;
}): BulkTarget {
  const ids = values.id ?? [];
  if (ids.length > 0 && (values.user !== undefined || values.client !== undefined)) {
    throw new UsageError(
      '--id cannot be combined with --user or --client; revoke by id or by owner and client.',
    );
  }
  if (ids.length > 0) {
    if (ids.length > MAX_TARGET_IDS)
      throw new UsageError(
        `At most ${MAX_TARGET_IDS} --id options, got ${ids.length}; revoke by --user or --client instead.`,
      );
    return { kind: 'ids', ids: [...new Set(ids.map((id) => nonEmpty('--id', id)))] };
  }
  if (values.user === undefined && values.client === undefined) {
    throw new UsageError('Name what to revoke: --id ID, --user U or --client C.');
  }

  const target: BulkTarget = { kind: 'filter' };
  if (values.user !== undefined) target.owner = nonEmpty('--user', values.user);
  if (values.client !== undefined) target.clientId = nonEmpty('--client', values.client);
  return target;
}

/** Runs `delegations revoke`; returns the exit code. */
export async function revokeDelegations(
  tools: AdminTools,
  options: RevokeOptions,
): Promise<number> {
  let target = options.target;
  let unknownIds = 0;
  if (target.kind === 'ids') {
    const resolved = await resolveTargetIds(tools, target.ids);
    if (resolved.length === 0) return 1;
    unknownIds = target.ids.length - resolved.length;
    target = { kind: 'ids', ids: resolved };
  }
  const exitCode = (code: number) => (unknownIds > 0 ? Math.max(code, 1) : code);

  const scim = tools.config.authServer.scim;
  if (options.dryRun) {
    const plan = await planBulkRevoke(target, {
      directory: tools.directory,
      pageSize: scim.pageSize,
      concurrency: scim.revokeConcurrency,
    });
    process.stdout.write(formatPlan(plan));
    return exitCode(0);
  }

  const expected = await countTarget(tools, target);
  if (expected === 0) {
    process.stderr.write(
      `Nothing to revoke: there are no issued delegations ${describeTarget(target)}.\n`,
    );
    return exitCode(0);
  }
  if (expected > 1 && !options.yes && !(await isConfirmed(target, expected))) return 2;

  const report = await runWithProgress(tools, target);
  process.stdout.write(formatReport(report));
  return exitCode(report.failed.length > 0 ? 1 : 0);
}

/**
 * Resolves the values of `--id` to SCIM ids, prints on stderr which kind of id each matched and
 * which matched nothing, and returns the SCIM ids found.
 */
async function resolveTargetIds(tools: AdminTools, ids: string[]): Promise<string[]> {
  const resolved = await resolveDelegationIds(tools.directory, ids);
  for (const match of resolved.matches) {
    const detail = match.kind === 'SCIM id' ? '' : ` of SCIM id ${match.scimId}`;
    process.stderr.write(`--id ${match.given}: matched as ${match.kind}${detail}.\n`);
  }
  for (const value of resolved.unknown) process.stderr.write(`${describeUnknownId(value)}\n`);
  return resolved.scimIds;
}

/** Counts an ids target by its length, and a filter target with a one-item SCIM page. */
async function countTarget(tools: AdminTools, target: BulkTarget): Promise<number> {
  if (target.kind === 'ids') return target.ids.length;
  const page = await tools.directory.list({ ...issuedQuery(target), startIndex: 1, count: 1 });
  return page.totalResults;
}

/** Asks on a terminal and rejects the run elsewhere; returns whether the run may go ahead. */
async function isConfirmed(target: BulkTarget, expected: number): Promise<boolean> {
  const subject = `${plural(expected, 'delegation')} ${describeTarget(target)}`;
  if (!canAsk()) {
    process.stderr.write(
      `Not revoking ${subject} without confirmation, because stdin is not a terminal. Add --yes to revoke them.\n`,
    );
    return false;
  }
  if (await confirm(`Revoke ${subject}?`)) return true;
  process.stderr.write('Nothing was revoked. Add --yes to skip this question.\n');
  return false;
}

async function runWithProgress(tools: AdminTools, target: BulkTarget): Promise<BulkRunReport> {
  const scim = tools.config.authServer.scim;
  const progress = createProgressDisplay();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);

  try {
    return await runBulkRevoke(target, {
      context: { directory: tools.directory, store: await tools.store() },
      actor: { username: cliActor(), isAdmin: true },
      operationId: randomUUID(),
      pageSize: scim.pageSize,
      concurrency: scim.revokeConcurrency,
      log: tools.logger,
      onStart: (total) => progress.start(total),
      onProgress: (update) => progress.update(update),
      signal: stop.signal,
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
  }
}

export function formatPlan(plan: DryRunReport): string {
  const lines = [`Dry run: ${plural(plan.total, 'issued delegation')} would be revoked.`];
  if (plan.notFound > 0) {
    const verb = plan.notFound === 1 ? 'is' : 'are';
    lines.push(`${plan.notFound} of the given ids ${verb} unknown or already revoked.`);
  }
  if (plan.users.length > 0) {
    lines.push(
      '',
      formatTable(
        ['USER', 'DELEGATIONS'],
        plan.users.map((user) => [user.username, String(user.count)]),
      ),
    );
  }
  if (plan.clients.length > 0) {
    lines.push(
      '',
      formatTable(
        ['CLIENT', 'DELEGATIONS'],
        plan.clients.map((client) => [client.clientId, String(client.count)]),
      ),
    );
  }
  if (plan.note) lines.push('', plan.note);
  return `${lines.join('\n')}\n`;
}

export function formatReport(report: BulkRunReport): string {
  const lines = [
    `Revoked ${report.revoked}, already revoked ${report.alreadyRevoked}, failed ${report.failed.length} of ${report.total} (operation ${report.operationId}).`,
  ];
  if (report.failed.length > 0) {
    lines.push(
      '',
      formatTable(
        ['ID', 'OWNER', 'CLIENT', 'ERROR', 'MESSAGE'],
        report.failed.map((failure) => [
          failure.id,
          failure.owner || '-',
          failure.clientId || '-',
          failure.code,
          failure.message,
        ]),
      ),
      '',
      'Run the same command again to retry the failed ones.',
    );
  }
  return `${lines.join('\n')}\n`;
}
