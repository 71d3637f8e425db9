import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { BenchChild } from './child-process.ts';
import { closeHttp } from './http.ts';
import { BareScim } from './scim.ts';

export interface BenchStackOptions {
  /** Names the temporary folder, e.g. `list-1000000`. */
  label: string;
  /** idp.scimDelayMs: added to every SCIM request of the embedded server. */
  scimDelayMs: number;
  /** Generated delegations seeded before the embedded server starts, one user per ten. */
  delegations: number;
  /** Runs after seeding and before the tracker starts, e.g. to fill the tracker's store. */
  beforeTracker?: (config: Config) => Promise<void>;
}

export interface BenchStack {
  config: Config;
  /** The overrides both children load their configuration from. */
  overrides: unknown;
  folder: string;
  trackerUrl: string;
  idp: BenchChild<{ url: string }>;
  tracker: BenchChild<{ url: string }>;
  scim: BareScim;
  seedSeconds: number;
  close(): Promise<void>;
}

/** Children start oidc-provider and Fastify under tsx, which takes a few seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * Seeds a new embedded server's store in a temporary folder, then starts the embedded server and
 * the tracker as two child processes on free loopback ports, wired as `authServer.mode: embedded`.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const folder = mkdtempSync(join(tmpdir(), `session-tracker-bench-${options.label}-`));
  const trackerPort = await freePort();
  const idpPort = await freePort();
  const trackerUrl = `http://127.0.0.1:${trackerPort}`;
  const overrides = {
    tracker: {
      host: '127.0.0.1',
      port: trackerPort,
      publicUrl: trackerUrl,
      dataDir: join(folder, 'tracker'),
      cookieSecret: randomBytes(32).toString('base64'),
    },
    idp: {
      host: '127.0.0.1',
      port: idpPort,
      dataDir: join(folder, 'idp'),
      scimDelayMs: options.scimDelayMs,
    },
  };
  const config = loadConfig({ env: {}, overrides });

  const children: BenchChild[] = [];
  const removeAll = async () => {
    for (const child of children.reverse()) await child.stop();
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    const seeded = await seedDelegations(config.idp, {
      users: Math.max(1, Math.round(options.delegations / 10)),
      delegations: options.delegations,
    });
    const idp = await BenchChild.start<{ url: string }>({
      script: 'idp.ts',
      input: { overrides },
      logFile: join(folder, 'idp.log'),
      startTimeoutMs: START_TIMEOUT_MS,
    });
    children.push(idp);
    await options.beforeTracker?.(config);
    const tracker = await BenchChild.start<{ url: string }>({
      script: 'tracker.ts',
      input: { overrides },
      logFile: join(folder, 'tracker.log'),
      startTimeoutMs: START_TIMEOUT_MS,
    });
    children.push(tracker);

    return {
      config,
      overrides,
      folder,
      trackerUrl,
      idp,
      tracker,
      scim: await BareScim.connect(config),
      seedSeconds: seeded.seconds,
      close: removeAll,
    };
  } catch (error) {
    await removeAll();
    throw error;
  }
}

/** Closes the driver's connection pool; call once when every case is done. */
export async function closeBenchConnections(): Promise<void> {
  await closeHttp();
}
