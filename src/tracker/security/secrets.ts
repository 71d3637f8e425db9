import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Returns `bytes` random bytes as base64url: 32 bytes give 43 characters. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a cookie value, base64url: the key the store uses, so its rows cannot be replayed as cookies. */
export function hashCookieValue(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Derives the device's public id: HMAC-SHA256 of the private id under the cookie secret, cut to
 * 16 bytes (22 base64url characters). The server and SCIM readers see only this value.
 */
export function publicDeviceId(privateId: string, cookieSecret: Buffer): string {
  return createHmac('sha256', cookieSecret)
    .update(privateId)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** Compares two strings in constant time for equal lengths; different lengths are unequal. */
export function safeEqual(actual: string, expected: string): boolean {
  const actualBytes = Buffer.from(actual);
  const expectedBytes = Buffer.from(expected);
  if (actualBytes.length !== expectedBytes.length) return false;
  return timingSafeEqual(actualBytes, expectedBytes);
}
