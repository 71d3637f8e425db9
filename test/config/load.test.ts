import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

/** Loads the configuration and returns the ConfigError's problems, failing if it loads. */
function problemsOf(env: NodeJS.ProcessEnv, overrides?: unknown): string[] {
  try {
    loadConfig({ env, overrides });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('the configuration loaded without error');
}

describe('loadConfig', () => {
  let folder: string;
  let file: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'st-config-'));
    file = join(folder, 'config.json');
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const base = () => ({
    tracker: { dataDir: join(folder, 'data') },
    idp: { dataDir: join(folder, 'idp') },
  });

  test('warnings split by server', () => {
    const config = loadConfig({ env: {}, overrides: base() });

    assert.ok(
      config.warnings.tracker.some((warning) =>
        warning.startsWith('tracker.cookieSecret is not set'),
      ),
    );
    assert.ok(config.warnings.idp.some((warning) => warning.includes('demo accounts')));
    assert.ok(config.warnings.idp.every((warning) => !warning.includes('tracker.')));
  });

  test('invalid JSON in an ST_ variable', () => {
    const problems = problemsOf({ ST_AUTH_SERVER__CLIENTS: '[{"id":' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^ST_AUTH_SERVER__CLIENTS: not valid JSON/);
    assert.match(problems[0]!, /fix its syntax/);
  });

  test('idp port 0 from IDP_PORT', () => {
    const problems = problemsOf({ IDP_PORT: '0' }, base());
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^idp\.port: must be a port from 1 to 65535/);
    assert.match(problems[0]!, /got "0" from IDP_PORT/);
  });

  test('tracker port 0 without publicUrl', () => {
    const problems = problemsOf({}, { ...base(), tracker: { ...base().tracker, port: 0 } });
    assert.match(
      problems[0]!,
      /^tracker\.port: must be a port from 1 to 65535 \(0, a port picked at start, needs tracker\.publicUrl/,
    );
  });

  test('tracker port 0 with publicUrl', () => {
    const config = loadConfig({
      env: {},
      overrides: {
        ...base(),
        tracker: { ...base().tracker, port: 0, publicUrl: 'http://127.0.0.1:8080' },
      },
    });
    assert.equal(config.tracker.port, 0);
  });

  test('unknown key in the file', () => {
    writeFileSync(file, JSON.stringify({ tracker: { prot: 6557 } }));
    const problems = problemsOf({ SESSION_TRACKER_CONFIG: file });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^tracker\.prot: unknown setting in /);
    assert.ok(problems[0]!.includes(file), problems[0]);
    assert.match(problems[0]!, /Did you mean tracker\.port\?/);
  });

  test('unknown key nested in an array item', () => {
    writeFileSync(
      file,
      JSON.stringify({ authServer: { clients: [{ id: 'a', secret: 'b', secrett: 'c' }] } }),
    );
    const problems = problemsOf({ SESSION_TRACKER_CONFIG: file });
    assert.match(problems[0]!, /^authServer\.clients\.0\.secrett: unknown setting/);
  });

  test('unknown key without a near name', () => {
    const problems = problemsOf({}, { idp: { somethingElse: 1 } });
    assert.match(problems[0]!, /^idp\.somethingElse: unknown setting in the overrides/);
    assert.doesNotMatch(problems[0]!, /Did you mean/);
  });

  test('unknown key inside an ST_ JSON value', () => {
    const problems = problemsOf({ ST_AUTH_SERVER__SCIM: '{"pagesize":10}' });
    assert.match(
      problems[0]!,
      /^authServer\.scim\.pagesize: unknown setting from ST_AUTH_SERVER__SCIM\. Did you mean authServer\.scim\.pageSize\?/,
    );
  });

  test('ST_ variable that maps to no setting', () => {
    const problems = problemsOf({ ST_AUTH_SERVER__SCIM__PAGESIZE: '10' });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^ST_AUTH_SERVER__SCIM__PAGESIZE: environment variable matches no setting/,
    );
    assert.match(problems[0]!, /Did you mean ST_AUTH_SERVER__SCIM__PAGE_SIZE\?/);
  });

  test('known ST_ variable is read', () => {
    const config = loadConfig({
      env: { ST_AUTH_SERVER__SCIM__PAGE_SIZE: '10' },
      overrides: base(),
    });
    assert.equal(config.authServer.scim.pageSize, 10);
  });

  test('alias value shown as given', () => {
    const problems = problemsOf({ TRACKER_PORT: 'abc' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^tracker\.port: must be a number \(got "abc" from TRACKER_PORT\)/);
    assert.match(problems[0]!, /Fix TRACKER_PORT/);
  });

  test('file value shown with the file path', () => {
    writeFileSync(file, JSON.stringify({ tracker: { port: 'abc' } }));
    const problems = problemsOf({ SESSION_TRACKER_CONFIG: file });
    assert.equal(
      problems[0],
      `tracker.port: must be a number (got "abc" in ${file}). Fix it in ${file}, or set ST_TRACKER__PORT.`,
    );
  });

  test('variable wins over the file', () => {
    writeFileSync(file, JSON.stringify({ tracker: { port: 'from-file' } }));
    const problems = problemsOf({ SESSION_TRACKER_CONFIG: file, ST_TRACKER__PORT: 'from-env' });
    assert.match(problems[0]!, /got "from-env" from ST_TRACKER__PORT/);
  });

  test('ST_ array replaces the file array', () => {
    writeFileSync(file, JSON.stringify({ authServer: { clients: [{ id: 'a', secret: 'b' }] } }));
    const problems = problemsOf({
      SESSION_TRACKER_CONFIG: file,
      ST_AUTH_SERVER__CLIENTS: '[{"id":"","secret":"x"}]',
    });
    assert.match(
      problems[0]!,
      /^authServer\.clients\.0\.id: .*\(got "" from ST_AUTH_SERVER__CLIENTS\)/,
    );
  });
});
