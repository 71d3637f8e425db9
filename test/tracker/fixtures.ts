import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { deepMerge } from '../../src/config/env.ts';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { startTracker, type RunningTracker } from '../../src/tracker/server.ts';
import { freePort } from '../helpers/ports.ts';

/** Collects every log line written to it, for tests that read the log. */
export class LogCapture extends Writable {
  readonly chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    callback();
  }

  text(): string {
    return this.chunks.join('');
  }

  lines(): Record<string, unknown>[] {
    return this.text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface LoneTracker {
  /** The tracker's public URL, which is also where it listens. */
  url: string;
  config: Config;
  tracker: RunningTracker;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Starts the tracker alone, configured for an embedded authorization server on a loopback port
 * where nothing listens, so every call to the server fails as with a server that is down.
 */
export async function startLoneTracker(overrides: unknown = {}): Promise<LoneTracker> {
  const folder = mkdtempSync(join(tmpdir(), 'session-tracker-lone-'));
  const port = await freePort();
  const base = {
    tracker: {
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      dataDir: join(folder, 'tracker'),
      cookieSecret: randomBytes(32).toString('base64'),
    },
    authServer: { requestTimeoutMs: 2000 },
    idp: { host: '127.0.0.1', port: await freePort(), dataDir: join(folder, 'idp') },
  };
  const config = loadConfig({ env: {}, overrides: deepMerge(base, overrides) });
  const logs = new LogCapture();
  const tracker = await startTracker(config, { logger: createLogger({ level: 'trace' }, logs) });

  return {
    url: `http://127.0.0.1:${port}`,
    config,
    tracker,
    logs,
    close: async () => {
      await tracker.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Headers of a same-origin JSON request as the UI sends them before sign-in. */
export function preSessionHeaders(origin: string): Record<string, string> {
  return { origin, 'x-csrf-token': 'pre-session', 'content-type': 'application/json' };
}
