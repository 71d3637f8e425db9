import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliActor } from '../../src/cli/admin-tools.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import { freePort } from '../helpers/ports.ts';
import { startStack, type Stack, type TestBrowser } from '../helpers/stack.ts';
import { DelegationOracle } from '../tracker/admin/oracle.ts';
import { signInAs, startScimFaultProxy, type ScimFaultProxy } from '../tracker/admin/support.ts';

const BIN = resolve(import.meta.dirname, '../../bin/session-tracker.js');

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command in a child process with `configFile` as its configuration. It runs
 * asynchronously because the embedded server and the tracker live in this process and must keep
 * serving the child's requests.
 */
function runCli(
  configFile: string,
  args: string[],
  logLevel: string | undefined = 'error',
): Promise<CommandResult> {
  return new Promise((resolveRun) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          ...withoutLogLevel(process.env),
          SESSION_TRACKER_CONFIG: configFile,
          ...(logLevel ? { LOG_LEVEL: logLevel } : {}),
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (_error, stdout, stderr) => resolveRun({ code: child.exitCode, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

function withoutLogLevel(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOG_LEVEL: _level, ...rest } = env;
  return rest;
}

/** True when util-linux `script` can run a command on a pseudo-terminal here. */
const HAS_SCRIPT =
  spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;

/**
 * Runs the command on a pseudo-terminal through `script`, answers the first `[y/N]` question with
 * `answer`, and returns the terminal's output (stdout and stderr together) and the exit code.
 */
function runCliOnTerminal(
  configFile: string,
  args: string[],
  answer: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const command = [process.execPath, BIN, ...args]
      .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, SESSION_TRACKER_CONFIG: configFile, LOG_LEVEL: 'error' },
    });
    let output = '';
    let answered = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!answered && output.includes('[y/N]')) {
        answered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

/** Writes the stack's settings as a configuration file, with `scimBaseUrl` in place of the embedded SCIM URL when given. */
function writeConfig(folder: string, name: string, stack: Stack, scimBaseUrl?: string): string {
  const { tracker, idp } = stack.config;
  const settings: Record<string, unknown> = {
    tracker: {
      host: tracker.host,
      port: tracker.port,
      publicUrl: tracker.publicUrl,
      dataDir: tracker.dataDir,
      cookieSecret: tracker.cookieSecret.toString('base64'),
    },
    idp: { host: idp.host, port: idp.port, dataDir: idp.dataDir },
    authServer: {
      requestTimeoutMs: 5000,
      ...(scimBaseUrl ? { scim: { baseUrl: scimBaseUrl } } : {}),
    },
  };
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

describe('delegations command', () => {
  let stack: Stack;
  let proxy: ScimFaultProxy;
  let oracle: DelegationOracle;
  let admin: TestBrowser;
  let folder: string;
  let config: string;
  let proxiedConfig: string;
  let unreachableConfig: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'session-tracker-cli-'));
    stack = await startStack();
    proxy = await startScimFaultProxy();
    proxy.upstream = stack.idpUrl;
    await seedDelegations(stack.config.idp, { users: 20, delegations: 400 });
    oracle = new DelegationOracle(stack);
    admin = await signInAs(stack, 'admin');

    config = writeConfig(folder, 'direct.json', stack);
    proxiedConfig = writeConfig(folder, 'proxied.json', stack, `${proxy.url}/um/admin`);
    unreachableConfig = writeConfig(
      folder,
      'unreachable.json',
      stack,
      `http://127.0.0.1:${await freePort()}/um/admin`,
    );
  });
  after(async () => {
    oracle.close();
    await stack.close();
    await proxy.close();
    rmSync(folder, { recursive: true, force: true });
  });

  describe('help', () => {
    for (const args of [
      ['delegations', '--help'],
      ['delegations', 'list', '--help'],
      ['delegations', 'revoke', '--help'],
    ]) {
      it(`prints ${args.join(' ')}`, async () => {
        const result = await runCli(config, args);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^Usage: session-tracker delegations/);
      });
    }

    it('names --yes in revoke help', async () => {
      const result = await runCli(config, ['delegations', 'revoke', '--help']);
      assert.match(result.stdout, /--yes/);
      assert.match(result.stdout, /--dry-run/);
    });
  });

  describe('list', () => {
    it('prints a table', async () => {
      const result = await runCli(config, [
        'delegations',
        'list',
        '--status',
        'issued',
        '--count',
        '7',
      ]);
      assert.equal(result.code, 0, result.stderr);

      const [header, ...rows] = result.stdout.trimEnd().split('\n');
      assert.match(header!, /^ID\s+OWNER\s+CLIENT\s+STATUS\s+CREATED\s+EXPIRES\s+DELEGATION ID$/);
      assert.equal(rows.length, 7);
      assert.ok(rows.every((row) => /\sissued\s/.test(row)));
      assert.match(
        result.stderr,
        new RegExp(`Showing 7 of ${oracle.count("status = 'issued'")} delegations; raise --count`),
      );
    });

    it('prints JSON Lines for one user', async () => {
      const expected = oracle.count("owner = 'user000000' AND status = 'issued'");
      const result = await runCli(config, [
        'delegations',
        'list',
        '--user',
        'user000000',
        '--status',
        'issued',
        '--count',
        '1000',
        '--json',
      ]);
      assert.equal(result.code, 0, result.stderr);

      const lines = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.equal(lines.length, expected);
      assert.equal(new Set(lines.map((line) => line.id)).size, expected);
      for (const line of lines) {
        assert.equal(line.owner, 'user000000');
        assert.equal(line.status, 'issued');
        assert.equal(oracle.statusOf(line.delegationId), 'issued');
      }
      assert.equal(result.stderr, '');
    });

    it('filters by client', async () => {
      const result = await runCli(config, [
        'delegations',
        'list',
        '--client',
        'www2',
        '--status',
        'revoked',
        '--count',
        '1000',
        '--json',
      ]);
      const lines = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.equal(lines.length, oracle.count("client_id = 'www2' AND status = 'revoked'"));
      assert.ok(lines.every((line) => line.clientId === 'www2' && line.status === 'revoked'));
    });
  });

  describe('list status', () => {
    it('defaults to issued', async () => {
      const result = await runCli(config, [
        'delegations',
        'list',
        '--user',
        'user000001',
        '--count',
        '1000',
        '--json',
      ]);
      assert.equal(result.code, 0, result.stderr);

      const lines = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.equal(lines.length, oracle.count("owner = 'user000001' AND status = 'issued'"));
      assert.ok(lines.every((line) => line.status === 'issued'));
    });

    it('lists every status with any', async () => {
      const result = await runCli(config, [
        'delegations',
        'list',
        '--user',
        'user000001',
        '--status',
        'any',
        '--count',
        '1000',
        '--json',
      ]);
      assert.equal(result.code, 0, result.stderr);

      const lines = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.equal(lines.length, oracle.count("owner = 'user000001'"));
      assert.ok(lines.some((line) => line.status === 'revoked'));
    });

    it('documents the default in help', async () => {
      const result = await runCli(config, ['delegations', 'list', '--help']);
      assert.match(result.stdout, /--status S\s+issued, revoked or any \(default issued/);
    });
  });

  describe('invalid arguments', () => {
    const cases: [string[], RegExp][] = [
      [['delegations', 'list', '--status', 'active'], /--status/],
      [['delegations', 'list', '--count', '0'], /--count/],
      [['delegations', 'list', '--count', 'many'], /--count/],
      [['delegations', 'list', '--owner', 'x'], /--owner/],
      [['delegations', 'revoke'], /--id ID, --user U or --client C/],
      [['delegations', 'revoke', '--id', 'a', '--user', 'b'], /cannot be combined/],
      [['delegations', 'revoke', '--user', ''], /--user/],
      [['delegations', 'purge'], /purge/],
    ];
    for (const [args, message] of cases) {
      it(`exits 2 for ${args.slice(1).join(' ')}`, async () => {
        const result = await runCli(config, args);
        assert.equal(result.code, 2);
        assert.match(result.stderr, message);
        assert.match(result.stderr, /--help/);
      });
    }
  });

  describe('revoke', () => {
    it('dry run revokes nothing', async () => {
      const issued = oracle.count("owner = 'user000002' AND status = 'issued'");
      const result = await runCli(config, [
        'delegations',
        'revoke',
        '--user',
        'user000002',
        '--dry-run',
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`^Dry run: ${issued} issued delegations would be revoked\\.`),
      );
      assert.match(result.stdout, new RegExp(`user000002\\s+${issued}\\n`));
      assert.equal(oracle.count("owner = 'user000002' AND status = 'issued'"), issued);
    });

    it('needs --yes without a terminal', async () => {
      const issued = oracle.count("owner = 'user000002' AND status = 'issued'");
      assert.ok(issued > 1);
      const result = await runCli(config, ['delegations', 'revoke', '--user', 'user000002']);

      assert.equal(result.code, 2);
      assert.match(result.stderr, /Add --yes/);
      assert.equal(result.stdout, '');
      assert.equal(oracle.count("owner = 'user000002' AND status = 'issued'"), issued);
    });

    it(
      'asks on a terminal and stops on no',
      { skip: !HAS_SCRIPT && 'util-linux script is not installed' },
      async () => {
        const issued = oracle.count("owner = 'user000005' AND status = 'issued'");
        assert.ok(issued > 1, 'a question needs more than one delegation');
        const result = await runCliOnTerminal(
          config,
          ['delegations', 'revoke', '--user', 'user000005'],
          'n',
        );

        assert.equal(result.code, 2);
        assert.match(
          result.output,
          new RegExp(`Revoke ${issued} delegations of user "user000005"\\? \\[y/N\\]`),
        );
        assert.match(result.output, /Nothing was revoked/);
        assert.equal(oracle.count("owner = 'user000005' AND status = 'issued'"), issued);
      },
    );

    it(
      'asks on a terminal and revokes on yes',
      { skip: !HAS_SCRIPT && 'util-linux script is not installed' },
      async () => {
        const issued = oracle.count("owner = 'user000005' AND status = 'issued'");
        const result = await runCliOnTerminal(
          config,
          ['delegations', 'revoke', '--user', 'user000005'],
          'y',
        );

        assert.equal(result.code, 0, result.output);
        assert.match(
          result.output,
          new RegExp(`Revoking \\[[^\\]]*\\] ${issued}/${issued} \\| failed: 0`),
          'progress bar at its end',
        );
        assert.match(
          result.output,
          new RegExp(`Revoked ${issued}, already revoked 0, failed 0 of ${issued} `),
        );
        assert.equal(oracle.count("owner = 'user000005' AND status = 'issued'"), 0);
      },
    );

    it('revokes a user and audits it', async () => {
      const issued = oracle.count("owner = 'user000002' AND status = 'issued'");
      const result = await runCli(config, [
        'delegations',
        'revoke',
        '--user',
        'user000002',
        '--yes',
      ]);

      assert.equal(result.code, 0, result.stderr);
      const summary =
        /^Revoked (\d+), already revoked (\d+), failed (\d+) of (\d+) \(operation ([0-9a-f-]{36})\)\.$/m.exec(
          result.stdout,
        );
      assert.ok(summary, `unexpected summary: ${result.stdout}`);
      assert.deepEqual(summary.slice(1, 5).map(Number), [issued, 0, 0, issued]);
      assert.equal(oracle.count("owner = 'user000002' AND status = 'issued'"), 0);
      assert.doesNotMatch(
        result.stderr,
        /\u001b\[/,
        'no progress bar when stderr is not a terminal',
      );

      const audit = await admin.getJson(
        `/api/admin/audit?actor=${encodeURIComponent(cliActor())}&owner=user000002&limit=500`,
      );
      assert.equal(audit.items.length, issued * 2);
      for (const entry of audit.items) {
        assert.equal(entry.action, 'bulk-revoke');
        assert.equal(entry.actorIsAdmin, true);
        assert.equal(entry.correlationId, summary[5]);
      }
    });

    it('revokes one id without --yes', async () => {
      const [target] = (
        await admin.getJson('/api/admin/delegations?user=user000003&status=issued&count=1')
      ).items;
      const result = await runCli(config, ['delegations', 'revoke', '--id', target.id]);

      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Revoked 1, already revoked 0, failed 0 of 1 /);
      assert.equal(oracle.statusOf(target.delegationId), 'revoked');
    });

    it('revokes by delegation id', async () => {
      const [target] = (
        await admin.getJson('/api/admin/delegations?user=user000012&status=issued&count=1')
      ).items;
      assert.notEqual(target.delegationId, target.id);
      const result = await runCli(config, ['delegations', 'revoke', '--id', target.delegationId]);

      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `--id ${target.delegationId}: matched as delegation id of SCIM id ${target.id}\\.`,
        ),
      );
      assert.match(result.stdout, /^Revoked 1, already revoked 0, failed 0 of 1 /);
      assert.equal(oracle.statusOf(target.delegationId), 'revoked');
    });

    it('says a SCIM id matched', async () => {
      const [target] = (
        await admin.getJson('/api/admin/delegations?user=user000012&status=issued&count=1')
      ).items;
      const result = await runCli(config, [
        'delegations',
        'revoke',
        '--id',
        target.id,
        '--dry-run',
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`--id ${target.id}: matched as SCIM id\\.`));
      assert.match(result.stdout, /^Dry run: 1 issued delegation would be revoked\./);
    });

    it('exits 1 for an unknown id', async () => {
      const result = await runCli(config, ['delegations', 'revoke', '--id', 'no-such-id']);

      assert.equal(result.code, 1);
      assert.match(result.stderr, /Unknown id "no-such-id"/);
      assert.match(result.stderr, /SCIM id/);
      assert.match(result.stderr, /delegation id/);
      assert.equal(result.stdout, '');
    });

    it('exits 1 when one of two ids is unknown', async () => {
      const [target] = (
        await admin.getJson('/api/admin/delegations?user=user000014&status=issued&count=1')
      ).items;
      const result = await runCli(config, [
        'delegations',
        'revoke',
        '--id',
        target.id,
        '--id',
        'no-such-id',
        '--dry-run',
      ]);

      assert.equal(result.code, 1);
      assert.match(result.stderr, /Unknown id "no-such-id"/);
      assert.match(result.stdout, /^Dry run: 1 issued delegation would be revoked\./);
      assert.equal(oracle.statusOf(target.delegationId), 'issued');
    });

    it('exits 1 when a revocation fails', async () => {
      const items = (
        await admin.getJson('/api/admin/delegations?user=user000004&status=issued&count=500')
      ).items;
      assert.ok(items.length > 1);
      const failing = items[items.length - 1];
      proxy.failDeletes.add(failing.id);
      try {
        const result = await runCli(proxiedConfig, [
          'delegations',
          'revoke',
          '--user',
          'user000004',
          '--yes',
        ]);

        assert.equal(result.code, 1, result.stderr);
        assert.match(
          result.stdout,
          new RegExp(
            `^Revoked ${items.length - 1}, already revoked 0, failed 1 of ${items.length} `,
          ),
        );
        assert.match(
          result.stdout,
          new RegExp(`${failing.id}\\s+user000004\\s+${failing.clientId}\\s+as_error`),
        );
        assert.match(result.stdout, /Run the same command again/);
        assert.equal(oracle.statusOf(failing.delegationId), 'issued');
      } finally {
        proxy.failDeletes.clear();
      }

      const rerun = await runCli(proxiedConfig, [
        'delegations',
        'revoke',
        '--user',
        'user000004',
        '--yes',
      ]);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, /^Revoked 1, already revoked 0, failed 0 of 1 /);
      assert.equal(oracle.statusOf(failing.delegationId), 'revoked');
    });

    it('reports nothing to revoke', async () => {
      const result = await runCli(config, [
        'delegations',
        'revoke',
        '--user',
        'user000002',
        '--yes',
      ]);
      assert.equal(result.code, 0);
      assert.match(
        result.stderr,
        /Nothing to revoke: there are no issued delegations of user "user000002"\./,
      );
    });
  });

  it('exits 1 when SCIM is unreachable', async () => {
    const result = await runCli(unreachableConfig, ['delegations', 'list']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot be reached/);
    assert.equal(result.stdout, '');
  });

  it('names IDP_PORT when the embedded server is down', async () => {
    const idpPort = await freePort();
    const file = join(folder, 'embedded-down.json');
    writeFileSync(
      file,
      JSON.stringify({
        tracker: {
          dataDir: join(folder, 'down-tracker'),
          cookieSecret: stack.config.tracker.cookieSecret.toString('base64'),
        },
        idp: { port: idpPort, dataDir: join(folder, 'down-idp') },
        authServer: { requestTimeoutMs: 2000 },
      }),
    );
    const result = await runCli(file, ['delegations', 'list'], undefined);

    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot be reached .*authServer\.issuer/);
    assert.match(result.stderr, new RegExp(`IDP_PORT \\(idp\\.port, now ${idpPort}\\)`));
    assert.doesNotMatch(result.stderr, /Retrying/);
    assert.equal(result.stdout, '');
  });

  it('exits 78 on invalid configuration', async () => {
    const file = join(folder, 'invalid.json');
    writeFileSync(file, JSON.stringify({ authServer: { scim: { pageSize: 0 } } }));
    const result = await runCli(file, ['delegations', 'list']);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /authServer\.scim\.pageSize/);
  });
});
