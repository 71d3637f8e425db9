import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge } from '../../../src/config/env.ts';
import { loadConfig, type Config } from '../../../src/config/load.ts';
import { startEmbeddedServer, type EmbeddedServer } from '../../../src/idp/server.ts';
import { createLogger, type Logger } from '../../../src/shared/logger.ts';
import { openStore } from '../../../src/store/index.ts';
import type { TrackerStore } from '../../../src/store/types.ts';
import { startTracker, type RunningTracker } from '../../../src/tracker/server.ts';
import { freePort } from '../../helpers/ports.ts';
import { createDatabase, type PostgresServer } from '../../helpers/postgres.ts';
import { signIn } from '../../helpers/stack.ts';
import { TestBrowser } from '../../helpers/test-browser.ts';
import { PIN_HEADER, startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.ts';

export interface ClusterOptions {
  /** The server to create the cluster's database on; each cluster gets a new database. */
  postgres: PostgresServer;
  /** Tracker instances behind the proxy; 2 when absent. */
  instances?: number;
  /** Merged into every instance's configuration, e.g. `{ tracker: { pollIntervalSeconds: 300 } }`. */
  overrides?: unknown;
}

export interface Cluster {
  /** The proxy's origin, which every instance has as tracker.publicUrl. */
  publicUrl: string;
  databaseUrl: string;
  proxy: RoundRobinProxy;
  idp: EmbeddedServer;
  /** The running instances, in proxy backend order; replaced by `restart`. */
  readonly instances: readonly RunningTracker[];
  /** Configuration of instance `index`; all instances differ only in their data folder. */
  configOf(index: number): Config;
  /** Opens one more store on the cluster's database with the shared secret, closed with the cluster. */
  openStore(): Promise<TrackerStore>;
  /** Closes every instance, then starts them all again at once on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let clusters = 0;

/**
 * Starts the embedded authorization server, a new database on `options.postgres`, and tracker
 * instances that share that database and one cookie secret, behind a round-robin proxy on
 * loopback. The instances start at once, so their migrations race as in a real rollout.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.instances ?? 2;
  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-cluster-'));
  clusters += 1;
  const databaseUrl = await createDatabase(
    options.postgres.url,
    `cluster_${process.pid}_${clusters}`,
  );
  const proxy = await startRoundRobinProxy();
  const configs = await instanceConfigs(count, folder, databaseUrl, proxy.url, options.overrides);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const extraStores: TrackerStore[] = [];

  const idp = await startEmbeddedServer(configs[0]!.idp, {
    logger: logger.child({ component: 'idp' }),
  });
  let instances: RunningTracker[] = [];
  const startAll = async () => {
    instances = await startInstances(configs, logger);
    proxy.setBackends(instances.map((instance) => instance.url));
  };

  try {
    await startAll();
  } catch (error) {
    await Promise.all([idp.close(), proxy.close()]);
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  return {
    publicUrl: proxy.url,
    databaseUrl,
    proxy,
    idp,
    get instances() {
      return instances;
    },
    configOf: (index) => configs[index]!,
    async openStore() {
      const config = configs[0]!;
      const store = await openStore({
        databaseUrl,
        dataDir: config.tracker.dataDir,
        secret: config.tracker.cookieSecret,
        logger: logger.child({ component: 'test-store' }),
      });
      extraStores.push(store);
      return store;
    },
    async restart() {
      await Promise.all(instances.map((instance) => instance.close()));
      await startAll();
    },
    async close() {
      await Promise.all(instances.map((instance) => instance.close()));
      await Promise.all(extraStores.map((store) => store.close()));
      await proxy.close();
      await idp.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the instances' configurations. Port 0 lets each instance pick its own port, because
 * browsers only ever see the proxy's origin (publicUrl), which is also the redirect URI's origin.
 */
async function instanceConfigs(
  count: number,
  folder: string,
  databaseUrl: string,
  publicUrl: string,
  overrides: unknown,
): Promise<Config[]> {
  const cookieSecret = randomBytes(32).toString('base64');
  const idpPort = await freePort();

  return Array.from({ length: count }, (_, index) => {
    const base = {
      tracker: {
        host: '127.0.0.1',
        port: 0,
        publicUrl,
        dataDir: join(folder, `tracker-${index}`),
        cookieSecret,
        trustProxy: true,
      },
      database: { url: databaseUrl },
      idp: { host: '127.0.0.1', port: idpPort, dataDir: join(folder, 'idp') },
    };
    return loadConfig({ env: {}, overrides: deepMerge(base, overrides ?? {}) });
  });
}

async function startInstances(configs: Config[], logger: Logger): Promise<RunningTracker[]> {
  const started = await Promise.allSettled(
    configs.map((config, index) =>
      startTracker(config, { logger: logger.child({ component: 'tracker', instance: index }) }),
    ),
  );
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(
      started.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])),
    );
    throw failure.reason;
  }
  return started.map((result) => (result as PromiseFulfilledResult<RunningTracker>).value);
}

/**
 * A test browser whose requests to the tracker go to the instance in `instance` (round robin
 * when undefined), so a test can act through a chosen instance while cookies and Origin stay
 * those of the shared public URL. Change `instance` to move the same browser to another one.
 */
export class PinnedBrowser extends TestBrowser {
  instance: number | undefined;

  constructor(publicUrl: string, instance?: number, userAgent?: string) {
    super(publicUrl, userAgent);
    this.instance = instance;
  }

  /** Copies the cookies and CSRF token of `source`: the same browser session, on another route. */
  withSessionOf(source: TestBrowser): this {
    const url = new URL(source.trackerUrl);
    for (const cookie of source.jar.all()) this.jar.set(url, cookie.name, cookie.value);
    this.csrfToken = source.csrfToken;
    return this;
  }

  /** Sends the request as TestBrowser does, adding the pin header on requests to the tracker. */
  override async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.trackerUrl);
    const toTracker = target.origin === new URL(this.trackerUrl).origin;
    if (!toTracker || this.instance === undefined) return super.fetch(url, init);

    const headers = new Headers(init.headers);
    headers.set(PIN_HEADER, String(this.instance));
    return super.fetch(url, { ...init, headers });
  }
}

/**
 * Signs `account` in to `clientId` through the proxy in `browser` (a new round-robin browser
 * when absent), so the sign-in's requests may each reach another instance.
 */
export async function signInThrough(
  cluster: Cluster,
  account: { username: string; password: string },
  clientId: string,
  browser: PinnedBrowser = new PinnedBrowser(cluster.publicUrl),
): Promise<PinnedBrowser> {
  const anyInstance = cluster.instances[0]!;
  await signIn(
    { trackerUrl: cluster.publicUrl, tracker: anyInstance },
    { ...account, clientId, agent: browser },
  );
  return browser;
}
