import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CLIENT_SECRETS } from '../../src/config/idp.ts';
import { freePort } from '../../test/helpers/ports.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Children start oidc-provider or Fastify under tsx, which takes a few seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;

export interface LoadSetup {
  folder: string;
  configFile: string;
  trackerUrl: string;
  idpUrl: string;
  /** The tracker's store folder and cookie secret, to read its audit trail afterwards. */
  trackerDataDir: string;
  cookieSecret: Buffer;
}

/**
 * Writes the configuration both children read: the embedded server with its demo accounts, and
 * the tracker in `external` mode pointed at it, so the two run as separate processes and the
 * tracker can be killed alone.
 */
export async function writeLoadConfig(folder: string): Promise<LoadSetup> {
  const trackerPort = await freePort();
  const idpPort = await freePort();
  const trackerUrl = `http://127.0.0.1:${trackerPort}`;
  const idpUrl = `http://127.0.0.1:${idpPort}`;
  const issuer = `${idpUrl}/oauth/v2/oauth-anonymous`;
  const cookieSecret = randomBytes(32);
  const config = {
    tracker: {
      host: '127.0.0.1',
      port: trackerPort,
      publicUrl: trackerUrl,
      dataDir: join(folder, 'tracker'),
      cookieSecret: cookieSecret.toString('base64'),
    },
    idp: { host: '127.0.0.1', port: idpPort, dataDir: join(folder, 'idp'), demo: true },
    authServer: {
      mode: 'external',
      issuer,
      clients: [
        { id: 'www', secret: DEMO_CLIENT_SECRETS.www, label: 'Web shop (www)' },
        { id: 'www2', secret: DEMO_CLIENT_SECRETS.www2, label: 'Partner portal (www2)' },
      ],
      scim: {
        baseUrl: `${idpUrl}/um/admin`,
        clientId: 'tracker',
        clientSecret: DEMO_CLIENT_SECRETS.tracker,
      },
      introspection: { clientId: 'introspector', clientSecret: DEMO_CLIENT_SECRETS.introspector },
    },
  };
  const configFile = join(folder, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return {
    folder,
    configFile,
    trackerUrl,
    idpUrl,
    trackerDataDir: config.tracker.dataDir,
    cookieSecret,
  };
}

/**
 * Runs `session-tracker <command>` as a child process with the configuration file, its output
 * appended to `logFile`, and resolves once `readyUrl` returns 200.
 */
export async function startCommand(
  command: 'idp' | 'start',
  setup: LoadSetup,
  logFile: string,
  readyUrl: string,
): Promise<ChildProcess> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, command], {
    env: { ...process.env, SESSION_TRACKER_CONFIG: setup.configFile, LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);

  const started = Date.now();
  while (Date.now() - started < START_TIMEOUT_MS) {
    if (child.exitCode !== null)
      throw new Error(
        `session-tracker ${command} exited with code ${child.exitCode}; see ${logFile}.`,
      );
    if (await returnsOk(readyUrl)) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(
    `session-tracker ${command} did not return 200 at ${readyUrl} within ${START_TIMEOUT_MS} ms; see ${logFile}.`,
  );
}

async function returnsOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Stops a child with SIGTERM and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Kills a child with SIGKILL, as a crash would, and waits until it is gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Returns the resident set size of a process in bytes, read from /proc (Linux). */
export function residentSetBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line.`);
  return Number(match[1]) * 1024;
}
