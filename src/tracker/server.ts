import type { AddressInfo } from 'node:net';
import { createAuthServerClients, type AuthServerClients } from '../auth-server/index.ts';
import type { Config } from '../config/load.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { openStore } from '../store/index.ts';
import { buildTrackerApp } from './app.ts';
import type { TrackerContext } from './context.ts';
import { errorLogFields } from './http/log-fields.ts';

/** How often expired transactions, sessions and tokens are deleted. */
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export interface RunningTracker {
  /** The address the server listens on, e.g. http://127.0.0.1:5555 (publicUrl may differ). */
  url: string;
  close(): Promise<void>;
  context: TrackerContext;
}

/**
 * Opens the store, creates the authorization-server clients, builds the app and listens on
 * `config.tracker.host:port`. `close()` stops the sweep, the server, the clients and the store.
 */
export async function startTracker(
  config: Config,
  options: { logger?: Logger } = {},
): Promise<RunningTracker> {
  const logger = options.logger ?? createLogger();
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.tracker.dataDir,
    secret: config.tracker.cookieSecret,
    logger,
  });

  let clients: AuthServerClients | undefined;
  try {
    clients = await createAuthServerClients(config.authServer, { logger });
    const context: TrackerContext = {
      config,
      store,
      directory: clients.directory,
      relyingParty: clients.relyingParty,
      logger,
    };
    const app = await buildTrackerApp(context);
    await app.listen({ host: config.tracker.host, port: config.tracker.port });

    const sweep = setInterval(() => {
      store
        .sweep()
        .catch((error: unknown) =>
          logger.error({ error: errorLogFields(error) }, 'store sweep failed'),
        );
    }, SWEEP_INTERVAL_MS);
    sweep.unref();

    const url = listenUrl(app.server.address() as AddressInfo);
    logger.info({ url, publicUrl: config.tracker.publicUrl }, 'tracker started');

    return {
      url,
      context,
      close: async () => {
        clearInterval(sweep);
        await app.close();
        await clients?.close();
        await store.close();
        logger.info({ url }, 'tracker stopped');
      },
    };
  } catch (error) {
    await clients?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

function listenUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
