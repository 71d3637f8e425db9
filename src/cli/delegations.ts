import type { Config } from '../config/load.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import { openAdminTools, type AdminTools } from './admin-tools.ts';
import { LIST_HELP, listDelegations, parseListArguments } from './delegations-list.ts';
import { parseRevokeArguments, REVOKE_HELP, revokeDelegations } from './delegations-revoke.ts';
import type { Command } from './main.ts';
import { UsageError } from './usage.ts';

const HELP = `Usage: session-tracker delegations <list|revoke> [options]

Administrator's tool: lists and revokes any user's delegations at the authorization server, with
the tracker's configuration and SCIM client credentials.

  list      list delegations as a table or JSON Lines
  revoke    revoke by id, by user, by client, or by user at one client

Run \`session-tracker delegations <list|revoke> --help\` for the options.`;

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export const delegationsCommand: Command = async (args) => {
  const [subcommand, ...rest] = args;
  try {
    if (
      subcommand === undefined ||
      subcommand === '--help' ||
      subcommand === '-h' ||
      subcommand === 'help'
    ) {
      console.log(HELP);
      return EXIT.ok;
    }
    if (subcommand === 'list') {
      const options = parseListArguments(rest);
      if (options === 'help') return printHelp(LIST_HELP);
      return await withTools((tools) => listDelegations(tools, options));
    }
    if (subcommand === 'revoke') {
      const options = parseRevokeArguments(rest);
      if (options === 'help') return printHelp(REVOKE_HELP);
      return await withTools((tools) => revokeDelegations(tools, options));
    }
    throw new UsageError(`Unknown subcommand "${subcommand}": use list or revoke.`);
  } catch (error) {
    return reportError(error, subcommand);
  }
};

async function withTools(task: (tools: AdminTools) => Promise<number>): Promise<number> {
  const tools = await openAdminTools();
  try {
    return await task(tools);
  } catch (error) {
    throw withSettingsHint(error, tools.config);
  } finally {
    await tools.close();
  }
}

/**
 * Adds, in embedded mode, how to start the embedded server and which port setting to check to an
 * error saying that server cannot be reached: it runs only under `start` or `idp`, and
 * authServer.issuer is derived from IDP_PORT there. The error message already names the setting
 * of the endpoint that failed.
 */
function withSettingsHint(error: unknown, config: Config): unknown {
  if (!isAppError(error) || error.code !== 'as_unreachable') return error;
  const embeddedOrigin = new URL(config.idp.publicUrl).origin;
  if (config.authServer.mode !== 'embedded' || !error.message.includes(`at ${embeddedOrigin} `)) {
    return error;
  }
  const hint = `In embedded mode, authServer.issuer is the embedded server at ${embeddedOrigin}: start it with \`session-tracker start\` or \`session-tracker idp\`, and check that IDP_PORT (idp.port, now ${config.idp.port}) is the same for both commands.`;
  return new AppError(error.code, error.status, `${error.message}\n${hint}`, {
    detail: error.detail,
    cause: error,
  });
}

function printHelp(text: string): number {
  console.log(text);
  return EXIT.ok;
}

function reportError(error: unknown, subcommand: string | undefined): number {
  if (error instanceof UsageError || isArgumentError(error)) {
    const helpOf = subcommand === 'list' || subcommand === 'revoke' ? ` ${subcommand}` : '';
    console.error(
      `${(error as Error).message}\nRun \`session-tracker delegations${helpOf} --help\` for the options.`,
    );
    return EXIT.usage;
  }
  if (isAppError(error)) {
    console.error(error.message);
    return EXIT.failed;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    console.error(
      'Stopped by an interrupt. Revocations already done stay done; run the same command again to finish.',
    );
    return EXIT.interrupted;
  }
  throw error;
}

/** util.parseArgs rejects unknown options and missing values with these codes. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
