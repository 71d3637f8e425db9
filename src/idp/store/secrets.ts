import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { SqliteDatabase } from './database.ts';
import { nowSeconds } from './delegations.ts';

export type SigningKey = JWK & { kid: string };

/** Keys the embedded server generates once and reuses after a restart. */
export interface ServerSecrets {
  /** Private RS256 key that signs ID tokens and phantom-token JWTs. Its public half is in the JWKS. */
  signingKey: SigningKey;
  /**
   * Keys that signed before the last rotations, newest first. The JWKS still publishes them, so
   * tokens they signed keep verifying until they expire.
   */
  retiredSigningKeys: SigningKey[];
  /** Keys that sign oidc-provider's cookies. */
  cookieKeys: string[];
}

/**
 * Reads the server's keys from the `secrets` table, generating and storing any that are missing.
 * Runs in one transaction, so two processes starting on one file agree on the same keys.
 */
export function loadOrCreateSecrets(db: SqliteDatabase): ServerSecrets {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM secrets WHERE name = ?');
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO secrets (name, value, created) VALUES (?, ?, ?)',
  );

  const readOrCreate = (name: string, create: () => string): string => {
    const existing = read.get(name);
    if (existing) return existing.value;
    const value = create();
    insert.run(name, value, nowSeconds());
    return value;
  };

  const load = db.transaction(() => ({
    signingKey: JSON.parse(readOrCreate('signing-key', createSigningKey)) as SigningKey,
    retiredSigningKeys: JSON.parse(read.get(RETIRED_KEYS)?.value ?? '[]') as SigningKey[],
    cookieKeys: JSON.parse(
      readOrCreate('cookie-keys', () => JSON.stringify([randomBytes(32).toString('base64url')])),
    ) as string[],
  }));
  return load.immediate();
}

/** Name of the `secrets` row with the retired signing keys: a JSON array, newest first. */
const RETIRED_KEYS = 'retired-signing-keys';

/** Retired keys a rotation keeps by default: enough for tokens signed before the last two. */
const DEFAULT_KEEP_RETIRED = 2;

/**
 * Rotates the signing key: a new key signs from the next start of the server on, and the current
 * one joins the retired keys, of which the newest `keepRetired` stay published in the JWKS.
 * Returns the new key's `kid`. Run it while the server is stopped, because a running server
 * keeps the keys it read at start.
 */
export function rotateSigningKey(
  db: SqliteDatabase,
  options: { keepRetired?: number } = {},
): { kid: string } {
  const keepRetired = options.keepRetired ?? DEFAULT_KEEP_RETIRED;
  if (!Number.isInteger(keepRetired) || keepRetired < 0) {
    throw new RangeError(`keepRetired must be a whole number of 0 or more, not ${keepRetired}.`);
  }

  const read = db.prepare<[string], { value: string }>('SELECT value FROM secrets WHERE name = ?');
  const write = db.prepare<[string, string, number]>(
    'INSERT INTO secrets (name, value, created) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, created = excluded.created',
  );
  const rotate = db.transaction(() => {
    const current = read.get('signing-key')?.value;
    const retired = JSON.parse(read.get(RETIRED_KEYS)?.value ?? '[]') as SigningKey[];
    const next = createSigningKey();
    if (current) retired.unshift(JSON.parse(current) as SigningKey);

    write.run('signing-key', next, nowSeconds());
    write.run(RETIRED_KEYS, JSON.stringify(retired.slice(0, keepRetired)), nowSeconds());
    return { kid: (JSON.parse(next) as SigningKey).kid };
  });
  return rotate.immediate();
}

function createSigningKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return JSON.stringify({ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' });
}
