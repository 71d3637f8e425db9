import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { idpCommand } from '../../src/cli/idp.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startEmbeddedServer } from '../../src/idp/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { freePort } from '../helpers/ports.ts';

const BIN = new URL('../../bin/session-tracker.js', import.meta.url).pathname;

describe('idp command', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-cli-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  test('--help prints the usage', async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(' '));
    try {
      assert.equal(await idpCommand(['--help']), 0);
    } finally {
      console.log = original;
    }
    assert.match(lines.join('\n'), /session-tracker idp seed --users N --delegations M/);
  });

  /** Runs `idp seed` with `args` in this process and returns its exit code and stderr. */
  async function runSeed(args: string[]): Promise<{ code: number; stderr: string }> {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      return { code: await idpCommand(['seed', ...args]), stderr: lines.join('\n') };
    } finally {
      console.error = original;
    }
  }

  const seedUsageCases: [string[], RegExp][] = [
    [[], /--users and --delegations are required, unless --user and --count are given/],
    [['--delegations', '10'], /--users is required with --delegations/],
    [['--users', '10'], /--delegations is required with --users/],
    [['--user', 'janedoe'], /--user and --count go together/],
  ];
  for (const [args, message] of seedUsageCases) {
    test(`seed ${args.join(' ') || 'without options'} exits 2`, async () => {
      const result = await runSeed(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /session-tracker idp --help/);
    });
  }

  test('runs the server and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'idp'], {
      env: {
        PATH: process.env.PATH,
        IDP_PORT: String(port),
        TRACKER_PORT: String(await freePort()),
        ST_IDP__DATA_DIR: join(folder, 'idp'),
        ST_TRACKER__DATA_DIR: join(folder, 'tracker'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolveExit) =>
      child.once('exit', (code) => resolveExit(code)),
    );
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });

    try {
      const output = await readUntil(child.stdout, 'Press Ctrl+C to stop.');
      // The JSON log lines go to stdout, before the summary.
      assert.match(output, /demo accounts and demo client secrets/);
      assert.doesNotMatch(output + errors, /tracker\.cookieSecret/);
      const base = `http://127.0.0.1:${port}`;
      assert.match(output, new RegExp(`issuer +${base}/oauth/v2/oauth-anonymous`));
      assert.match(
        output,
        new RegExp(
          `discovery +${base}/oauth/v2/oauth-anonymous/\\.well-known/openid-configuration`,
        ),
      );
      assert.match(output, new RegExp(`SCIM +${base}/um/admin/Delegations`));
      assert.match(output, /sign-in page/);
      assert.match(output, /janedoe +jane-demo-pass/);
      assert.match(output, /admin +admin-demo-pass/);
      assert.match(output, /tracker +scim/);

      const discovery = await fetch(
        `${base}/oauth/v2/oauth-anonymous/.well-known/openid-configuration`,
      );
      assert.equal(discovery.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});

/** Collects a stream's text until it contains `marker`; fails after 20 s. */
function readUntil(stream: NodeJS.ReadableStream, marker: string): Promise<string> {
  return new Promise((resolveText, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`"${marker}" not printed; output so far:\n${text}`)),
      20_000,
    );
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes(marker)) {
        clearTimeout(timer);
        resolveText(text);
      }
    });
  });
}

describe('startEmbeddedServer', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-start-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  test('rejects demo mode beyond loopback', async () => {
    const config = loadConfig({
      env: {},
      overrides: { idp: { port: await freePort(), dataDir: folder } },
    }).idp;
    await assert.rejects(
      startEmbeddedServer(
        { ...config, host: '0.0.0.0' },
        { logger: createLogger({ level: 'silent' }) },
      ),
      /not a loopback address while idp.demo is on/,
    );
  });

  test('rejects port 0', async () => {
    const config = loadConfig({ env: {}, overrides: { idp: { dataDir: folder } } }).idp;
    await assert.rejects(
      startEmbeddedServer({ ...config, port: 0 }, { logger: createLogger({ level: 'silent' }) }),
      /idp.port 0 is not supported/,
    );
  });
});

describe('idp rotate-key', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'idp-rotate-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** Runs the command in a child process, as a user would, on this test's data folder. */
  function runCli(
    args: string[],
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'idp', ...args], {
      env: {
        PATH: process.env.PATH,
        ST_IDP__DATA_DIR: join(folder, 'idp'),
        ST_TRACKER__DATA_DIR: join(folder, 'tracker'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolveRun) =>
      child.once('exit', (code) => resolveRun({ code, stdout, stderr })),
    );
  }

  async function publishedKids(): Promise<string[]> {
    const config = loadConfig({
      env: {},
      overrides: {
        idp: { port: await freePort(), dataDir: join(folder, 'idp') },
        tracker: { dataDir: join(folder, 'tracker') },
      },
    });
    const server = await startEmbeddedServer(config.idp, {
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${server.issuer}/jwks`);
      const body = (await response.json()) as { keys: { kid: string }[] };
      return body.keys.map((key) => key.kid);
    } finally {
      await server.close();
    }
  }

  test('publishes the new key first', async () => {
    const before = await publishedKids();

    const result = await runCli(['rotate-key']);

    assert.equal(result.code, 0, result.stderr);
    const kid = /New signing key (\S+)/.exec(result.stdout)?.[1];
    assert.ok(kid, result.stdout);
    const after = await publishedKids();
    assert.equal(after[0], kid);
    assert.ok(after.includes(before[0]!), 'the replaced key stays published');
  });

  test('rejects a bad --keep-retired', async () => {
    const result = await runCli(['rotate-key', '--keep-retired', 'two']);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /--keep-retired must be a whole number of 0 or more, got "two"/);
  });
});
