import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { SqliteDatabase } from './database.ts';
import { nowSeconds } from './delegations.ts';

/** Keys the embedded server generates once and reuses after a restart. */
export interface ServerSecrets {
  /** Private RS256 key that signs ID tokens and phantom-token JWTs. Its public half is in the JWKS. */
  signingKey: JWK & { kid: string };
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
    signingKey: JSON.parse(
      readOrCreate('signing-key', createSigningKey),
    ) as ServerSecrets['signingKey'],
    cookieKeys: JSON.parse(
      readOrCreate('cookie-keys', () => JSON.stringify([randomBytes(32).toString('base64url')])),
    ) as string[],
  }));
  return load.immediate();
}

function createSigningKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return JSON.stringify({ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' });
}
