import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { TokenCipher } from '../../src/store/crypto.ts';
import { isAppError } from '../../src/shared/errors.ts';

const CONTEXT = 'delegation_tokens/d-1/access_token';

function throwsWithCode(action: () => unknown, code: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Flips one bit of the decoded payload at `index` and re-encodes it. */
function flipBit(stored: string, index: number): string {
  const sealed = Buffer.from(stored.slice('v1.'.length), 'base64');
  sealed[index]! ^= 0x01;
  return `v1.${sealed.toString('base64')}`;
}

describe('TokenCipher', () => {
  it('round-trips a value', () => {
    const cipher = new TokenCipher(randomBytes(32));
    const value = 'eyJhbGciOiJSUzI1NiJ9.payload.signature-åäö';

    assert.equal(cipher.decrypt(cipher.encrypt(value, CONTEXT), CONTEXT), value);
  });

  it('round-trips an empty value', () => {
    const cipher = new TokenCipher(randomBytes(32));

    assert.equal(cipher.decrypt(cipher.encrypt('', CONTEXT), CONTEXT), '');
  });

  it('hides the plaintext and uses a fresh IV', () => {
    const cipher = new TokenCipher(randomBytes(32));
    const value = 'access-token-value';
    const first = cipher.encrypt(value, CONTEXT);
    const second = cipher.encrypt(value, CONTEXT);

    assert.ok(first.startsWith('v1.'));
    assert.ok(!first.includes(value));
    assert.ok(!Buffer.from(first.slice(3), 'base64').includes(Buffer.from(value)));
    assert.notEqual(first, second);
  });

  it('derives the same key from the same secret', () => {
    const secret = randomBytes(32);
    const stored = new TokenCipher(secret).encrypt('value', CONTEXT);

    assert.equal(new TokenCipher(Buffer.from(secret)).decrypt(stored, CONTEXT), 'value');
  });

  it('rejects a value under another secret', () => {
    const stored = new TokenCipher(randomBytes(32)).encrypt('value', CONTEXT);
    const other = new TokenCipher(randomBytes(32));

    throwsWithCode(() => other.decrypt(stored, CONTEXT), 'token_decryption_failed');
  });

  it('rejects a value moved to another context', () => {
    const cipher = new TokenCipher(randomBytes(32));
    const stored = cipher.encrypt('value', CONTEXT);

    throwsWithCode(
      () => cipher.decrypt(stored, 'delegation_tokens/d-2/access_token'),
      'token_decryption_failed',
    );
    throwsWithCode(
      () => cipher.decrypt(stored, 'delegation_tokens/d-1/refresh_token'),
      'token_decryption_failed',
    );
  });

  it('detects tampering in IV, tag and ciphertext', () => {
    const cipher = new TokenCipher(randomBytes(32));
    const stored = cipher.encrypt('a value long enough to tamper with', CONTEXT);
    const sealedLength = Buffer.from(stored.slice(3), 'base64').length;

    for (const index of [0, 11, 12, 27, 28, sealedLength - 1]) {
      throwsWithCode(
        () => cipher.decrypt(flipBit(stored, index), CONTEXT),
        'token_decryption_failed',
      );
    }
  });

  it('rejects truncated and unknown formats', () => {
    const cipher = new TokenCipher(randomBytes(32));
    const stored = cipher.encrypt('value', CONTEXT);

    throwsWithCode(() => cipher.decrypt('plain-token', CONTEXT), 'token_decryption_failed');
    throwsWithCode(() => cipher.decrypt('v1.AAAA', CONTEXT), 'token_decryption_failed');
    throwsWithCode(() => cipher.decrypt(stored.slice(0, -4), CONTEXT), 'token_decryption_failed');
  });

  it('names the fix in the decryption error', () => {
    const stored = new TokenCipher(randomBytes(32)).encrypt('value', CONTEXT);

    assert.throws(() => new TokenCipher(randomBytes(32)).decrypt(stored, CONTEXT), {
      message: /tracker\.cookieSecret/,
    });
  });

  it('rejects a secret shorter than 32 bytes', () => {
    throwsWithCode(() => new TokenCipher(randomBytes(31)), 'store_secret_too_short');
  });
});
