import { parseArgs } from 'node:util';
import type { IdpConfig } from '../config/idp.ts';
import { loadConfig } from '../config/load.ts';
import { DEMO_ACCOUNTS } from '../idp/accounts.ts';
import { INTERACTION_PATH } from '../idp/provider/routes.ts';
import { seedDelegations } from '../idp/seed.ts';
import { rotateKeyCommand } from './idp-rotate-key.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../idp/server.ts';
import { createLogger } from '../shared/logger.ts';
import type { Command } from './main.ts';
import { waitForShutdownSignal } from './signals.ts';

const HELP = `Usage:
  session-tracker idp                 Run the embedded authorization server alone.
  session-tracker idp seed --users N --delegations M [--user NAME --count K]
  session-tracker idp seed --user NAME --count K
                                      Fill its store with generated delegations.
  session-tracker idp rotate-key [--keep-retired N]
                                      Replace its signing key (run while it is stopped).

The embedded server stands in for Curity Identity Server: OpenID Connect with Curity's endpoint
paths, phantom-token introspection and the SCIM 2.0 Delegations endpoint. Its state is one SQLite
file in idp.dataDir (default data/idp).

Seed options (--users with --delegations, --user with --count, or both pairs):
  --users N         number of generated users (user000000, user000001, …)
  --delegations M   delegations spread over those users; one in ten is revoked
  --user NAME       also give this user --count delegations (e.g. janedoe)
  --count K         number of delegations for --user
Seed while the server is stopped or idle: the load runs in one transaction.

Settings come from SESSION_TRACKER_CONFIG and the environment, e.g. IDP_PORT (default 5556),
ST_IDP__DATA_DIR, ST_IDP__SCIM_LEGACY_SHAPE. docs/embedded-server.md lists them all.`;

export const idpCommand: Command = async (args) => {
  try {
    const [first, ...rest] = args;
    if (first === 'seed') return await seedCommand(rest);
    if (first === 'rotate-key') return await rotateKeyCommand(rest);

    const { values } = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    return await runServer();
  } catch (error) {
    // seedDelegations raises RangeError for counts it cannot use.
    if (
      !(error instanceof UsageError) &&
      !(error instanceof RangeError) &&
      !isParseArgsError(error)
    )
      throw error;
    console.error(
      `${(error as Error).message}\nRun \`session-tracker idp --help\` for the options.`,
    );
    return 2;
  }
};

/** A command-line argument that is missing or invalid. */
class UsageError extends Error {}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

async function runServer(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger().child({ component: 'idp' });
  for (const warning of config.warnings.idp) logger.warn(warning);

  const server = await startEmbeddedServer(config.idp, { logger });
  console.log(describeServer(config.idp, server));

  const signal = await waitForShutdownSignal();
  logger.info({ signal }, 'shutting down');
  await server.close();
  return 0;
}

async function seedCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      users: { type: 'string' },
      delegations: { type: 'string' },
      user: { type: 'string' },
      count: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  checkSeedOptions(values);

  const config = loadConfig();
  const result = await seedDelegations(config.idp, {
    users: wholeNumber('--users', values.users),
    delegations: wholeNumber('--delegations', values.delegations),
    ...(values.user !== undefined
      ? { owner: { username: values.user, count: wholeNumber('--count', values.count) } }
      : {}),
  });
  console.log(
    `Inserted ${result.inserted} delegations into ${config.idp.dataDir} in ${result.seconds.toFixed(1)} s.`,
  );
  return 0;
}

/**
 * Requires --users with --delegations, and --user with --count. At least one of the two pairs must
 * be given, because a seed without either inserts nothing.
 */
function checkSeedOptions(values: {
  users?: string | undefined;
  delegations?: string | undefined;
  user?: string | undefined;
  count?: string | undefined;
}): void {
  if ((values.user === undefined) !== (values.count === undefined)) {
    throw new UsageError(
      '--user and --count go together: name the user and how many delegations it gets.',
    );
  }
  if (values.delegations !== undefined && values.users === undefined) {
    throw new UsageError('--users is required with --delegations: name how many users share them.');
  }
  if (values.users !== undefined && values.delegations === undefined) {
    throw new UsageError('--delegations is required with --users: name how many to insert.');
  }
  if (values.users === undefined && values.user === undefined) {
    throw new UsageError(
      '--users and --delegations are required, unless --user and --count are given: name what to insert.',
    );
  }
}

function wholeNumber(option: string, value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^[0-9]{1,9}$/.test(value)) {
    throw new UsageError(`${option} must be a whole number of 0 or more, not "${value}".`);
  }
  return Number(value);
}

function describeServer(config: IdpConfig, server: EmbeddedServer): string {
  const lines = [
    '',
    `Embedded authorization server (stand-in for Curity Identity Server), listening on ${server.url}`,
    `  issuer        ${server.issuer}`,
    `  discovery     ${server.issuer}/.well-known/openid-configuration`,
    `  sign-in page  ${config.publicUrl}${INTERACTION_PATH}/…, opened by ${config.publicUrl}/oauth/v2/oauth-authorize`,
    `  SCIM          ${config.publicUrl}${config.scimPath}/Delegations`,
    `  logout        ${config.publicUrl}/oauth/v2/oauth-session/logout and ${config.publicUrl}/authentication/logout`,
    `  data          ${config.dataDir}`,
  ];
  if (config.demo) {
    lines.push('Demo accounts (development only):');
    for (const account of DEMO_ACCOUNTS)
      lines.push(`  ${account.username.padEnd(14)}${account.password}`);
  }
  lines.push('Clients:');
  for (const client of config.clients) {
    // Demo secrets are public, but configured secrets are never printed.
    const secret = config.demo ? `  secret ${client.secret}` : '';
    lines.push(`  ${client.id.padEnd(14)}${client.kind.padEnd(15)}${secret}`);
  }
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}
