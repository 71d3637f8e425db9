import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createAuthServerClients } from '../../src/auth-server/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { freePort } from '../helpers/ports.ts';

test('auth-server log lines name component once', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'st-as-log-'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, destination).child({ component: 'tracker' });
  // Nothing listens on the embedded server's port, so discovery fails and logs a warning.
  const config = loadConfig({
    env: {},
    overrides: {
      tracker: { dataDir: folder },
      idp: { port: await freePort(), dataDir: join(folder, 'idp') },
    },
  });
  const clients = await createAuthServerClients(config.authServer, {
    logger,
    retryPolicy: { maxAttempts: 1 },
  });

  try {
    await assert.rejects(clients.directory.list({ count: 1 }), { code: 'as_unreachable' });
  } finally {
    await clients.close();
    rmSync(folder, { recursive: true, force: true });
  }

  const failed = lines.find((line) =>
    line.includes('Discovery of the authorization server failed'),
  );
  assert.ok(failed, `no discovery warning in ${lines.join('\n')}`);
  assert.equal(failed.match(/"component":/g)?.length, 1, failed);
  assert.equal(JSON.parse(failed).component, 'tracker');
  assert.equal(JSON.parse(failed).module, 'auth-server');
});
