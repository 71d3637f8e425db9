import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors.ts';

/**
 * HKDF info label of the token encryption key. Changing it changes the key, so every stored
 * token would become unreadable.
 */
const KEY_INFO = 'session-tracker/store/token-encryption/v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit IV, the size GCM is specified for (NIST SP 800-38D, section 5.2.1.1). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Prefix of every stored ciphertext, so that a later format can be recognised. */
const FORMAT_PREFIX = 'v1.';
const MIN_SECRET_BYTES = 32;

/**
 * Encrypts token values for storage with AES-256-GCM. The key is derived from the tracker's
 * secret with HKDF-SHA256, and each value gets a random IV. The caller's `context` names the row
 * and column and is bound as additional authenticated data, so a ciphertext copied to another
 * row or column fails to decrypt.
 */
export class TokenCipher {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new AppError(
        'store_secret_too_short',
        500,
        `The store's secret is ${secret.length} bytes long; it must be at least ${MIN_SECRET_BYTES} random bytes. Set tracker.cookieSecret to 32 or more random bytes, base64-encoded.`,
      );
    }
    this.#key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), KEY_INFO, KEY_BYTES));
  }

  /** Returns `v1.` followed by base64 of IV, tag and ciphertext. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
    return FORMAT_PREFIX + sealed.toString('base64');
  }

  /**
   * Reverses `encrypt`. Throws an AppError with code `token_decryption_failed` when the value was
   * encrypted under another secret, belongs to another context, or was altered.
   */
  decrypt(stored: string, context: string): string {
    const sealed = this.#parse(stored, context);
    const iv = sealed.subarray(0, IV_BYTES);
    const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = sealed.subarray(IV_BYTES + TAG_BYTES);

    const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw decryptionFailed(
        context,
        'authentication failed: the secret differs from the one that encrypted it, or the value was altered or moved from another row',
        error,
      );
    }
  }

  #parse(stored: string, context: string): Buffer {
    if (!stored.startsWith(FORMAT_PREFIX)) {
      throw decryptionFailed(context, `the value does not start with "${FORMAT_PREFIX}"`);
    }
    const sealed = Buffer.from(stored.slice(FORMAT_PREFIX.length), 'base64');
    if (sealed.length < IV_BYTES + TAG_BYTES) {
      throw decryptionFailed(
        context,
        `the value is ${sealed.length} bytes, shorter than IV and tag`,
      );
    }
    return sealed;
  }
}

function decryptionFailed(context: string, reason: string, cause?: unknown): AppError {
  return new AppError(
    'token_decryption_failed',
    500,
    `Cannot decrypt the stored token ${context}: ${reason}. If tracker.cookieSecret was changed, restore the previous value, or sign in again so that new tokens are stored.`,
    { cause },
  );
}
