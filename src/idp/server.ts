import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { IdpConfig } from '../config/idp.ts';
import { isLoopback } from '../config/load.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { AccountDirectory } from './accounts.ts';
import { createFront } from './front.ts';
import { formTargetOrigins } from './provider/clients.ts';
import { createProvider } from './provider/create-provider.ts';
import { openDatabase, type SqliteDatabase } from './store/database.ts';
import { DelegationStore } from './store/delegations.ts';
import { loadOrCreateSecrets } from './store/secrets.ts';

export interface EmbeddedServer {
  /** Base URL of the listening socket, e.g. http://127.0.0.1:5556. */
  url: string;
  issuer: string;
  port: number;
  close(): Promise<void>;
}

/** How often expired delegations, tokens and sessions are deleted. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Starts the embedded authorization server: oidc-provider with Curity's paths and behaviour, the
 * sign-in page, Curity's logout and the SCIM Delegations endpoint, all state in one SQLite file
 * under `config.dataDir`. Resolves once the server listens.
 */
export async function startEmbeddedServer(
  config: IdpConfig,
  options: { logger?: Logger } = {},
): Promise<EmbeddedServer> {
  const logger = options.logger ?? createLogger().child({ component: 'idp' });
  if (config.port === 0) {
    throw new Error(
      'idp.port 0 is not supported: the issuer URL contains the port. Choose a free port.',
    );
  }
  // The configuration loader rejects this too; a hand-built IdpConfig must not bypass it.
  if (config.demo && !isLoopback(config.host)) {
    throw new Error(
      `idp.host ${config.host} is not a loopback address while idp.demo is on (public demo accounts and secrets). Listen on 127.0.0.1, or turn demo mode off and configure idp.clients.`,
    );
  }

  const db = openDatabase(config.dataDir);
  try {
    const server = await listen(trackSockets(createHttpServer(config, db, logger)), config);
    const stopSweeping = startSweeping(new DelegationStore(db), logger);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    logger.info(
      { url, issuer: config.issuer, dataDir: config.dataDir },
      'embedded authorization server started',
    );

    return {
      url,
      issuer: config.issuer,
      port: config.port,
      close: async () => {
        stopSweeping();
        await closeServer(server);
        db.close();
        logger.info({ url }, 'embedded authorization server stopped');
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function createHttpServer(config: IdpConfig, db: SqliteDatabase, logger: Logger): Server {
  const delegations = new DelegationStore(db);
  const accounts = new AccountDirectory(config.demo);
  const secrets = loadOrCreateSecrets(db);
  const provider = createProvider({ config, db, delegations, accounts, secrets, logger });
  const formOrigins = formTargetOrigins(config.clients);

  return createServer(
    createFront({
      config,
      provider,
      formOrigins,
      logger,
      interaction: {
        provider,
        accounts,
        delegations,
        csrfKey: secrets.cookieKeys[0]!,
        publicOrigin: new URL(config.publicUrl).origin,
        formOrigins,
        demo: config.demo,
        logger,
      },
      logout: { provider, allowlist: config.logoutRedirectAllowlist, formOrigins, logger },
      scim: {
        provider,
        delegations,
        baseUrl: `${config.publicUrl}${config.scimPath}`,
        shape: config.scimLegacyShape ? 'legacy' : 'modern',
        requiredScopes: config.scimRequiredScopes,
        delayMs: config.scimDelayMs,
        logger,
      },
    }),
  );
}

function listen(server: Server, config: IdpConfig): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolveListen(server);
    });
  });
}

/**
 * Stops listening and closes every connection. Resolves once each socket is fully closed, so a
 * client on the same host reads the end of its connections before a restarted server takes the
 * port.
 */
async function closeServer(server: Server): Promise<void> {
  const sockets = openSockets.get(server) ?? new Set();
  const socketsClosed = [...sockets].map((socket) =>
    socket.destroyed && socket.closed
      ? undefined
      : new Promise((resolveSocket) => socket.once('close', resolveSocket)),
  );
  const serverClosed = new Promise<void>((resolveClose, reject) => {
    server.close((error) => (error ? reject(error) : resolveClose()));
  });
  // Keep-alive connections would hold close() open until they time out.
  server.closeAllConnections();
  await Promise.all([serverClosed, ...socketsClosed]);
}

const openSockets = new WeakMap<Server, Set<Socket>>();

function trackSockets(server: Server): Server {
  const sockets = new Set<Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return server;
}

/** Sweeps once now and then every SWEEP_INTERVAL_MS; returns the function that stops it. */
function startSweeping(delegations: DelegationStore, logger: Logger): () => void {
  const sweep = () => {
    try {
      const removed = delegations.sweep();
      if (removed.delegations > 0 || removed.models > 0)
        logger.info(removed, 'expired rows deleted');
    } catch (error) {
      logger.error({ err: error }, 'deleting expired rows failed');
    }
  };

  sweep();
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
