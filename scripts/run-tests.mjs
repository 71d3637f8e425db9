#!/usr/bin/env node
// Runs every test file in one `node --test` process, so one summary counts them all. Node 20's
// runner does not expand globs, so this script lists the files. Files under test/zz-final/ run
// last: they check what the rest of the suite left behind (its logs). Node's runner sorts the
// files it gets by path (Node 20 and 22), so that folder's name must sort after every other.
// Every run writes its logs to a new folder named in TEST_RUN_LOGS (see test/helpers/run-log.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const testDir = join(root, 'test');

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const filter = process.argv.slice(2);
const all = findTests(testDir)
  .filter((file) => filter.length === 0 || filter.some((prefix) => file.startsWith(prefix)))
  .sort();
const isFinal = (file) => file.startsWith('test/zz-final/');
const ordered = [...all.filter((file) => !isFinal(file)), ...all.filter(isFinal)];

if (ordered.length === 0) {
  console.error(`No test files found under test/ matching ${filter.join(', ') || 'anything'}.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...ordered],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEST_RUN_LOGS:
        process.env.TEST_RUN_LOGS || mkdtempSync(join(tmpdir(), 'session-tracker-test-logs-')),
    },
  },
);
process.exit(result.status ?? 1);
