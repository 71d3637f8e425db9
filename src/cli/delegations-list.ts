import { parseArgs } from 'node:util';
import type { Delegation, DelegationQuery, DelegationStatus } from '../auth-server/types.ts';
import type { AdminTools } from './admin-tools.ts';
import { UsageError } from './usage.ts';
import { formatTable } from './table.ts';

export const LIST_HELP = `Usage: session-tracker delegations list [--user U] [--client C] [--status S] [--count N] [--json]

Lists delegations at the authorization server, oldest first, through its SCIM Delegations
endpoint with the tracker's SCIM client (authServer.scim in the configuration).

Options:
  --user U      only delegations owned by user U (exact username)
  --client C    only delegations of client C (client id)
  --status S    issued, revoked or any (default issued, as for revoke)
  --count N     show at most N delegations, 1 to 100000 (default 50)
  --json        print JSON Lines, one delegation an object, in place of the table
  -h, --help    show this help

The table goes to stdout and the "showing N of M" line to stderr.`;

const MAX_COUNT = 100_000;

interface ListOptions {
  query: DelegationQuery;
  count: number;
  json: boolean;
}

export function parseListArguments(args: string[]): ListOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      client: { type: 'string' },
      status: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return 'help';

  const query: DelegationQuery = { sortBy: 'created', sortOrder: 'ascending' };
  if (values.user !== undefined) query.owner = nonEmpty('--user', values.user);
  if (values.client !== undefined) query.clientId = nonEmpty('--client', values.client);
  const status = parseStatus(values.status ?? 'issued');
  if (status !== 'any') query.status = status;
  return { query, count: parseCount(values.count), json: values.json };
}

/** Runs `delegations list`; returns the exit code. */
export async function listDelegations(tools: AdminTools, options: ListOptions): Promise<number> {
  const pageSize = tools.config.authServer.scim.pageSize;
  const listed: Delegation[] = [];
  let total = 0;

  while (listed.length < options.count) {
    const count = Math.min(pageSize, options.count - listed.length);
    const page = await tools.directory.list({
      ...options.query,
      startIndex: listed.length + 1,
      count,
    });
    total = page.totalResults;
    if (page.items.length === 0) break;
    for (const delegation of page.items) {
      if (options.json) process.stdout.write(`${JSON.stringify(toJson(delegation))}\n`);
      listed.push(delegation);
    }
    if (listed.length >= total) break;
  }

  if (!options.json) {
    if (listed.length > 0)
      process.stdout.write(`${formatTable(TABLE_HEADER, listed.map(toRow))}\n`);
    const more = total > listed.length ? '; raise --count to see more' : '';
    process.stderr.write(
      `Showing ${listed.length} of ${Math.max(total, listed.length)} delegations${more}.\n`,
    );
  }
  return 0;
}

const TABLE_HEADER = ['ID', 'OWNER', 'CLIENT', 'STATUS', 'CREATED', 'EXPIRES', 'DELEGATION ID'];

function toRow(delegation: Delegation): string[] {
  return [
    delegation.id,
    delegation.owner,
    delegation.clientId,
    delegation.status,
    delegation.created?.toISOString() ?? '-',
    delegation.expires?.toISOString() ?? '-',
    delegation.delegationId,
  ];
}

function toJson(delegation: Delegation): Record<string, unknown> {
  return {
    id: delegation.id,
    delegationId: delegation.delegationId,
    owner: delegation.owner,
    clientId: delegation.clientId,
    status: delegation.status,
    scope: delegation.scope,
    redirectUri: delegation.redirectUri ?? null,
    created: delegation.created?.toISOString() ?? null,
    expires: delegation.expires?.toISOString() ?? null,
    userAgentId: delegation.userAgentId ?? null,
  };
}

function parseStatus(value: string): DelegationStatus | 'any' {
  if (value !== 'issued' && value !== 'revoked' && value !== 'any') {
    throw new UsageError(
      `--status must be "issued", "revoked" or "any", got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function parseCount(value: string | undefined): number {
  if (value === undefined) return 50;
  const count = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) {
    throw new UsageError(
      `--count must be an integer from 1 to ${MAX_COUNT}, got ${JSON.stringify(value)}.`,
    );
  }
  return count;
}

export function nonEmpty(option: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${option} needs a value, got an empty string.`);
  return value;
}
