import { userInfo } from 'node:os';
import { pino } from 'pino';
import { createAuthServerClients } from '../auth-server/index.ts';
import type { DelegationDirectory } from '../auth-server/types.ts';
import { loadConfig, type Config } from '../config/load.ts';
import { REDACTED_PATHS, type Logger } from '../shared/logger.ts';
import { openStore } from '../store/index.ts';
import type { TrackerStore } from '../store/types.ts';

/** The `delegations` command's resources: the SCIM directory and, for the audit trail, the tracker store. */
export interface AdminTools {
  config: Config;
  directory: DelegationDirectory;
  logger: Logger;
  /** Opens the tracker store once, with the tracker's own settings, on first use. */
  store(): Promise<TrackerStore>;
  close(): Promise<void>;
}

/**
 * Loads the tracker's configuration and creates the authorization-server clients, which act
 * with the SCIM client's credentials (authServer.scim). Logs go to stderr as JSON, at `warn`
 * unless LOG_LEVEL sets another level, so that stdout carries only the command's output.
 */
export async function openAdminTools(): Promise<AdminTools> {
  const config = loadConfig();
  const logger = pino(
    {
      level: process.env.LOG_LEVEL ?? 'warn',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    pino.destination(2),
  );
  const clients = await createAuthServerClients(config.authServer, { logger });
  let store: Promise<TrackerStore> | undefined;

  return {
    config,
    directory: clients.directory,
    logger,
    // NOTE: on SQLite, change events stay inside this process, so open dashboards show the
    // command's revocations at their next poll (tracker.pollIntervalSeconds). PostgreSQL
    // delivers them to every tracker instance at once.
    store: () => {
      store ??= openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.tracker.dataDir,
        secret: config.tracker.cookieSecret,
        logger,
      });
      return store;
    },
    close: async () => {
      await clients.close();
      if (store) await (await store).close();
    },
  };
}

/** Returns the command's audit actor: `cli:` and the operating-system user running it. */
export function cliActor(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // userInfo throws when the user id has no passwd entry, as in some containers.
    name = process.env.USER ?? process.env.USERNAME;
  }
  return `cli:${name && name.length > 0 ? name : 'unknown'}`;
}
