/**
 * Child process of the SQLite migration test: loads the store, prints "ready", waits for a line
 * on standard input so that every child opens the store at the same moment, then opens and
 * closes the store in STORE_DIR. The store's log lines go to standard output.
 */
import { once } from 'node:events';
import { pino } from 'pino';
import { openStore } from '../../src/store/index.ts';

const dataDir = process.env.STORE_DIR;
const secret = process.env.STORE_SECRET;
if (!dataDir || !secret) throw new Error('Set STORE_DIR and STORE_SECRET (base64)');

process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();

const store = await openStore({
  dataDir,
  secret: Buffer.from(secret, 'base64'),
  logger: pino({ level: 'info' }),
});
await store.close();
