import * as client from 'openid-client';
import { AppError } from '../../shared/errors.ts';
import type { Endpoint } from '../errors.ts';

/**
 * Largest difference between the tracker's clock and the authorization server's that tokens are
 * accepted with, in seconds. Clocks kept by NTP differ by far less; a larger difference is a
 * misconfigured host, reported as `clock_skew`.
 */
export const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Rejects an ID token that was issued, by the server's clock, more than the tolerance away from
 * now by the tracker's clock. It is checked right after the code exchange, so `iat` should be
 * now, give or take the response time. openid-client checks only that `exp` has not passed.
 */
export function checkIssuedAt(claims: { iat?: unknown }, endpoint: Endpoint): void {
  if (typeof claims.iat !== 'number') return;
  const skewSeconds = claims.iat - Math.floor(Date.now() / 1000);
  if (Math.abs(skewSeconds) > CLOCK_TOLERANCE_SECONDS) throw clockSkewError(endpoint, skewSeconds);
}

/**
 * Returns a `clock_skew` error for openid-client's failed timestamp check of an ID token (an
 * `exp` in the past, an `iat` too far back), or undefined for any other error. oauth4webapi keeps
 * the token's claims and its idea of now in the cause of the cause.
 */
export function timestampCheckError(error: unknown, endpoint: Endpoint): AppError | undefined {
  if (!(error instanceof client.ClientError) || error.code !== 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED')
    return undefined;
  const detail = (
    error.cause as { cause?: { claims?: { iat?: unknown }; now?: unknown } } | undefined
  )?.cause;
  const iat = detail?.claims?.iat;
  const now = detail?.now;
  const skewSeconds = typeof iat === 'number' && typeof now === 'number' ? iat - now : undefined;
  return clockSkewError(endpoint, skewSeconds);
}

function clockSkewError(endpoint: Endpoint, skewSeconds: number | undefined): AppError {
  const difference =
    skewSeconds === undefined
      ? 'differ'
      : `differ by about ${describeDuration(Math.abs(skewSeconds))} (the server's clock is ${skewSeconds > 0 ? 'ahead' : 'behind'})`;
  return new AppError(
    'clock_skew',
    502,
    `The clocks of the tracker and the authorization server at ${endpoint.origin} ${difference}, so its ID token cannot be checked. Synchronise both clocks, for example with NTP; up to ${CLOCK_TOLERANCE_SECONDS} seconds are tolerated.`,
    { detail: skewSeconds === undefined ? 'timestamp check failed' : `skew ${skewSeconds} s` },
  );
}

function describeDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}
