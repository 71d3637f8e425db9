import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/shared/logger.ts';
import { openStore } from '../../src/store/index.ts';

test('store log lines name component once', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'st-store-log-'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, destination).child({ component: 'tracker' });

  try {
    const store = await openStore({
      databaseUrl: undefined,
      dataDir: folder,
      secret: randomBytes(32),
      logger,
    });
    await store.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  const opened = lines.find((line) => line.includes('Opened the tracker store'));
  assert.ok(opened, `no "Opened the tracker store" line in ${lines.join('\n')}`);
  assert.equal(opened.match(/"component":/g)?.length, 1, opened);
  assert.equal(JSON.parse(opened).component, 'tracker');
  assert.equal(JSON.parse(opened).module, 'store');
});
