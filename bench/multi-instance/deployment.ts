import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEMO_CLIENT_SECRETS } from '../../src/config/idp.ts';
import { loadConfig, type IdpConfig } from '../../src/config/load.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { startServerProcess, writeConfigFile, type ServerProcess } from './processes.ts';

export interface Instance extends ServerProcess {
  /** Listen URL of the instance, e.g. http://127.0.0.1:40001. */
  url: string;
}

/**
 * The embedded authorization server, tracker instances and the round-robin proxy as separate
 * processes, set up as docs/deployment.md describes: `authServer.mode: external`, one
 * PostgreSQL database, one cookie secret and the proxy's URL as every instance's publicUrl.
 */
export class BenchDeployment {
  readonly folder: string;
  readonly publicUrl: string;
  readonly idpConfig: IdpConfig;
  readonly instances: Instance[] = [];
  readonly #proxyPort: number;
  readonly #trackerConfigFile: string;
  readonly #idpConfigFile: string;
  #idp: ServerProcess | undefined;
  #proxy: ServerProcess | undefined;

  private constructor(
    folder: string,
    proxyPort: number,
    idpConfig: IdpConfig,
    idpConfigFile: string,
    trackerConfigFile: string,
  ) {
    this.folder = folder;
    this.#proxyPort = proxyPort;
    this.publicUrl = `http://127.0.0.1:${proxyPort}`;
    this.idpConfig = idpConfig;
    this.#idpConfigFile = idpConfigFile;
    this.#trackerConfigFile = trackerConfigFile;
  }

  /** Writes the configuration files; starts nothing, so the caller can seed the server first. */
  static async prepare(folder: string, databaseUrl: string): Promise<BenchDeployment> {
    const proxyPort = await freePort();
    const idpPort = await freePort();
    const publicUrl = `http://127.0.0.1:${proxyPort}`;
    // The embedded server registers each demo client's redirect URI from tracker.publicUrl.
    const idpSettings = {
      tracker: { publicUrl },
      idp: { host: '127.0.0.1', port: idpPort, dataDir: join(folder, 'idp') },
    };
    const idpConfig = loadConfig({ env: {}, overrides: idpSettings }).idp;
    const trackerSettings = trackerConfiguration(folder, databaseUrl, publicUrl, idpConfig);

    return new BenchDeployment(
      folder,
      proxyPort,
      idpConfig,
      writeConfigFile(folder, 'idp-config', idpSettings),
      writeConfigFile(folder, 'tracker-config', trackerSettings),
    );
  }

  get idpPid(): number | undefined {
    return this.#idp?.pid;
  }

  get proxyPid(): number | undefined {
    return this.#proxy?.pid;
  }

  async startAuthorizationServer(): Promise<void> {
    this.#idp = await startServerProcess({
      name: 'idp',
      args: ['src/cli/main.ts', 'idp'],
      env: { SESSION_TRACKER_CONFIG: this.#idpConfigFile },
      folder: this.folder,
      readyUrl: `${this.idpConfig.issuer}/.well-known/openid-configuration`,
    });
  }

  /** Starts one more tracker instance with `session-tracker start` on a free port. */
  async startInstance(): Promise<Instance> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServerProcess({
      name: `tracker-${this.instances.length}`,
      args: ['src/cli/main.ts', 'start'],
      env: { SESSION_TRACKER_CONFIG: this.#trackerConfigFile, TRACKER_PORT: String(port) },
      folder: this.folder,
      readyUrl: `${url}/healthz`,
    });
    const instance = { ...server, url };
    this.instances.push(instance);
    return instance;
  }

  /** (Re)starts the proxy on the public URL's port, forwarding to `backends` in turn. */
  async routeThroughProxy(backends: readonly Instance[]): Promise<void> {
    await this.#proxy?.stop();
    this.#proxy = await startServerProcess({
      name: `proxy-${backends.length}`,
      args: [
        'bench/multi-instance/proxy-process.ts',
        '--port',
        String(this.#proxyPort),
        ...backends.flatMap((backend) => ['--backend', backend.url]),
      ],
      env: {},
      folder: this.folder,
      readyUrl: `${this.publicUrl}/healthz`,
    });
  }

  async close(): Promise<void> {
    await this.#proxy?.stop();
    for (const instance of this.instances) await instance.stop();
    await this.#idp?.stop();
  }
}

/** External mode against the embedded server's demo clients, as a deployment in front of Curity. */
function trackerConfiguration(
  folder: string,
  databaseUrl: string,
  publicUrl: string,
  idp: IdpConfig,
): unknown {
  return {
    tracker: {
      host: '127.0.0.1',
      publicUrl,
      cookieSecret: randomBytes(32).toString('base64'),
      trustProxy: true,
      dataDir: join(folder, 'tracker'),
    },
    database: { url: databaseUrl },
    authServer: {
      mode: 'external',
      issuer: idp.issuer,
      clients: [{ id: 'www', secret: DEMO_CLIENT_SECRETS.www, label: 'Web shop (www)' }],
      scim: {
        baseUrl: `${idp.publicUrl}${idp.scimPath}`,
        clientId: 'tracker',
        clientSecret: DEMO_CLIENT_SECRETS.tracker,
      },
      introspection: { clientId: 'introspector', clientSecret: DEMO_CLIENT_SECRETS.introspector },
    },
    admin: { usernames: ['admin'] },
  };
}
