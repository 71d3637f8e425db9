/**
 * Runs after every other test file: Node's test runner sorts the files it runs by path, and
 * `test/zz-final/` sorts after every other folder of test/. It searches every log line the run
 * wrote for every token, code and secret the run recorded (see test/helpers/run-log.ts).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { findLeaks, RUN_LOGS_VARIABLE, runLogFolder } from '../helpers/run-log.ts';

const folder = runLogFolder();

test(
  'no secret in any log line of the run',
  {
    skip: folder
      ? false
      : `runs under npm test (scripts/run-tests.mjs), which sets ${RUN_LOGS_VARIABLE}`,
  },
  (context) => {
    const { leaks, secrets, logFiles, bytes } = findLeaks(folder!);
    if (secrets === 0 && logFiles === 0) {
      context.skip('no test of this run started a stack');
      rmSync(folder!, { recursive: true, force: true });
      return;
    }

    assert.ok(logFiles > 0, `the run wrote no log files to ${folder}`);
    assert.ok(secrets > 0, `the run recorded no secrets in ${folder}`);
    const found = leaks.map((leak) => `${leak.kind} in ${leak.file} line ${leak.line}`);
    assert.deepEqual(found, [], `Secrets in the logs of ${folder} (kept for reading)`);

    console.log(
      `Searched ${logFiles} log files (${Math.round(bytes / 1024)} KiB) for ${secrets} secret values.`,
    );
    rmSync(folder!, { recursive: true, force: true });
  },
);
