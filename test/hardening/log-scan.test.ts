import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  findLeaks,
  recordSecret,
  RUN_LOGS_VARIABLE,
  runLogDestination,
} from '../helpers/run-log.ts';

describe('log scan', () => {
  let folder: string;
  let previous: string | undefined;

  beforeEach(() => {
    previous = process.env[RUN_LOGS_VARIABLE];
    folder = mkdtempSync(join(tmpdir(), 'session-tracker-log-scan-'));
    process.env[RUN_LOGS_VARIABLE] = folder;
  });

  afterEach(() => {
    if (previous === undefined) delete process.env[RUN_LOGS_VARIABLE];
    else process.env[RUN_LOGS_VARIABLE] = previous;
    rmSync(folder, { recursive: true, force: true });
  });

  const token = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LWNsYWltcy1vZi1hLXRva2Vu.c2lnbmF0dXJl';

  test('finds a whole secret with its line', () => {
    recordSecret('access token', token);
    writeFileSync(
      join(folder, '1-1-stack.log'),
      `{"msg":"started"}\n{"msg":"refreshed","value":"${token}"}\n`,
    );

    const { leaks } = findLeaks(folder);

    assert.deepEqual(leaks, [{ kind: 'access token', file: '1-1-stack.log', line: 2 }]);
  });

  test('finds the end of a long secret', () => {
    recordSecret('refresh token', token);
    writeFileSync(join(folder, '1-1-stack.log'), `{"msg":"cut","value":"…${token.slice(-30)}"}\n`);

    const { leaks } = findLeaks(folder);

    assert.deepEqual(
      leaks.map((leak) => leak.kind),
      ['end of a refresh token'],
    );
  });

  test('clean logs have no leaks', () => {
    recordSecret('state', 'state-value-1234');
    writeFileSync(
      join(folder, '1-1-stack.log'),
      '{"msg":"request completed","url":"/auth/callback"}\n',
    );

    const result = findLeaks(folder);

    assert.deepEqual(result.leaks, []);
    assert.equal(result.logFiles, 1);
  });

  test('short values are not recorded', () => {
    recordSecret('code', 'abc');
    writeFileSync(join(folder, '1-1-stack.log'), '{"msg":"abc"}\n');

    assert.equal(findLeaks(folder).secrets, 0);
  });

  test('log destinations write into the folder', () => {
    const destination = runLogDestination('unit test');
    assert.ok(destination);
    destination.write('{"msg":"hello"}\n');

    assert.equal(findLeaks(folder).logFiles, 1);
  });
});
