import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/load.ts';
import { DEMO_ACCOUNTS } from '../idp/accounts.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../idp/server.ts';
import { createLogger } from '../shared/logger.ts';
import { startTracker } from '../tracker/server.ts';
import type { Command } from './main.ts';
import { waitForShutdownSignal } from './signals.ts';

const HELP = `Usage: session-tracker start

Runs the tracker web service. With the default configuration (authServer.mode "embedded") it
also runs the embedded authorization server and wires the two together.

Settings come from the JSON file named by SESSION_TRACKER_CONFIG and from environment variables:
  TRACKER_PORT    port of the tracker (default 5555)
  IDP_PORT        port of the embedded server (default 5556)
  DATABASE_URL    postgres://… to share state between instances (default: SQLite in data/)
The README lists every setting.`;

export const startCommand: Command = async (args) => {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  const config = loadConfig();
  const logger = createLogger();
  const embedded = config.authServer.mode === 'embedded';
  for (const warning of [...config.warnings.tracker, ...(embedded ? config.warnings.idp : [])]) {
    logger.warn(warning);
  }

  let idp: EmbeddedServer | undefined;
  if (embedded) {
    idp = await startEmbeddedServer(config.idp, { logger: logger.child({ component: 'idp' }) });
  }
  const tracker = await startTracker(config, { logger: logger.child({ component: 'tracker' }) });
  console.log(describeRunning(config, tracker.url, idp));

  const signal = await waitForShutdownSignal();
  logger.info({ signal }, 'shutting down');
  await tracker.close();
  await idp?.close();
  return 0;
};

function describeRunning(
  config: Config,
  trackerUrl: string,
  idp: EmbeddedServer | undefined,
): string {
  const lines = [
    ``,
    `Session Tracker is running at ${config.tracker.publicUrl} (listening on ${trackerUrl})`,
  ];
  if (idp) {
    lines.push(
      `Embedded authorization server: ${idp.url}`,
      `  issuer     ${idp.issuer}`,
      `  discovery  ${idp.issuer}/.well-known/openid-configuration`,
      `  SCIM       ${idp.url}${config.idp.scimPath}/Delegations`,
      `Demo accounts (development only):`,
      ...DEMO_ACCOUNTS.map((account) => `  ${account.username.padEnd(14)}${account.password}`),
    );
  } else {
    lines.push(`Authorization server: ${config.authServer.issuer}`);
  }
  lines.push(`Press Ctrl+C to stop.`, ``);
  return lines.join('\n');
}
