import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepMerge } from '../../../src/config/env.ts';
import { loadConfig, type Config } from '../../../src/config/load.ts';
import { startTracker, type RunningTracker } from '../../../src/tracker/server.ts';
import { freePort } from '../../helpers/ports.ts';
import {
  createRunLogger,
  recordConfigSecrets,
  recordEmbeddedServerSecrets,
  recordStoreSecrets,
} from '../../helpers/run-log.ts';

const CHILD = fileURLToPath(new URL('./skewed-idp-child.ts', import.meta.url));

/** How long the child process may take to start listening. */
const START_TIMEOUT_MS = 30_000;

export interface SkewedStack {
  trackerUrl: string;
  tracker: RunningTracker;
  config: Config;
  close(): Promise<void>;
}

/**
 * Starts the tracker in this process and the embedded server in a child process whose clock is
 * `offsetMs` milliseconds ahead (negative: behind), wired together as `startStack` wires them.
 */
export async function startSkewedStack(
  offsetMs: number,
  overrides: unknown = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<SkewedStack> {
  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-skew-'));
  const trackerPort = await freePort();
  const base = {
    tracker: {
      host: '127.0.0.1',
      port: trackerPort,
      publicUrl: `http://127.0.0.1:${trackerPort}`,
      dataDir: join(folder, 'tracker'),
      cookieSecret: randomBytes(32).toString('base64'),
    },
    idp: { host: '127.0.0.1', port: await freePort(), dataDir: join(folder, 'idp') },
  };
  const merged = deepMerge(base, overrides);
  const config = loadConfig({ env: {}, overrides: merged });
  recordConfigSecrets(config);

  const child = await startChild(offsetMs, merged);
  let tracker: RunningTracker;
  try {
    const logger = createRunLogger(
      'skewed-tracker',
      options.logDestination ? 'info' : 'silent',
      options.logDestination,
    );
    tracker = await startTracker(config, { logger });
    recordStoreSecrets(tracker.context.store);
  } catch (error) {
    await stopChild(child);
    throw error;
  }

  return {
    trackerUrl: config.tracker.publicUrl,
    tracker,
    config,
    close: async () => {
      await tracker.close();
      await stopChild(child);
      recordEmbeddedServerSecrets(config.idp.dataDir);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function startChild(offsetMs: number, overrides: unknown): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      CLOCK_OFFSET_MS: String(offsetMs),
      IDP_OVERRIDES: JSON.stringify(overrides),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The skewed embedded server did not start within ${START_TIMEOUT_MS} ms.`));
    }, START_TIMEOUT_MS);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!output.includes('ready\n')) return;
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The skewed embedded server exited with code ${code} before it was ready.`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
