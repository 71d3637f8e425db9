import { AppError } from '../shared/errors.ts';

/**
 * The server a request went to, for error messages: its origin, and the setting that names it, so
 * that the message can tell the user what to check.
 */
export interface Endpoint {
  origin: string;
  setting: string;
}

export function endpointOf(url: string, setting: string): Endpoint {
  return { origin: new URL(url).origin, setting };
}

export function unreachableError(endpoint: Endpoint, reason: string, cause?: unknown): AppError {
  return new AppError(
    'as_unreachable',
    503,
    `The authorization server at ${endpoint.origin} cannot be reached (${reason}). Check that it is running and that ${endpoint.setting} is right.`,
    { detail: reason, cause },
  );
}

export function timeoutError(endpoint: Endpoint, timeoutMs: number): AppError {
  return new AppError(
    'as_timeout',
    504,
    `The authorization server at ${endpoint.origin} did not respond within ${timeoutMs} ms. Check its health, or raise authServer.requestTimeoutMs.`,
  );
}

export function tlsError(endpoint: Endpoint, code: string, cause?: unknown): AppError {
  return new AppError(
    'as_tls_failed',
    502,
    `The TLS certificate of the authorization server at ${endpoint.origin} is not trusted (${code}). Add the certificate authority that signed it with authServer.caFile, or fix the certificate.`,
    { detail: code, cause },
  );
}

export function serverError(endpoint: Endpoint, status: number, detail?: string): AppError {
  return new AppError(
    'as_error',
    502,
    `The authorization server at ${endpoint.origin} failed with HTTP ${status}. Try again later, and check the server's logs if it persists.`,
    { detail },
  );
}

export function invalidResponseError(
  endpoint: Endpoint,
  problem: string,
  detail?: string,
): AppError {
  return new AppError(
    'as_invalid_response',
    502,
    `The authorization server at ${endpoint.origin} sent an invalid response: ${problem}. Check that ${endpoint.setting} points at the right server.`,
    { detail: detail ?? problem },
  );
}

/** Returns the first characters of a response body, with whitespace collapsed, for `detail`. */
export function bodyExcerpt(body: string, maxLength = 200): string {
  const collapsed = body.replace(/\s+/g, ' ').trim();
  return collapsed.length > maxLength ? `${collapsed.slice(0, maxLength)}…` : collapsed;
}
