import type { AppError } from '../../shared/errors.ts';
import { timeoutError, tlsError, unreachableError, type Endpoint } from '../errors.ts';

export type TransportFailureKind =
  'refused' | 'dns' | 'connect-timeout' | 'reset' | 'tls' | 'timeout' | 'other';

/** A request that failed before a complete response arrived. */
export class TransportFailure extends Error {
  readonly kind: TransportFailureKind;
  /** The system or undici error code, such as ECONNREFUSED, or the cause's message without one. */
  readonly code: string;

  constructor(kind: TransportFailureKind, code: string, cause?: unknown) {
    super(`${kind} (${code})`, { cause });
    this.name = 'TransportFailure';
    this.kind = kind;
    this.code = code;
  }

  /** True when the request cannot have reached the server, so even a DELETE may be sent again. */
  get unsent(): boolean {
    return this.kind === 'refused' || this.kind === 'dns' || this.kind === 'connect-timeout';
  }
}

const KIND_BY_CODE: Record<string, TransportFailureKind> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EADDRNOTAVAIL: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  UND_ERR_CONNECT_TIMEOUT: 'connect-timeout',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/**
 * Classifies an error thrown by undici's fetch, which rejects with `TypeError('fetch failed')`, or
 * with `TypeError('terminated')` while reading the body, and puts the socket error in `cause`.
 * Connecting to several addresses yields an AggregateError whose members carry the codes.
 * Returns undefined for anything else, such as a programming error.
 */
export function classifyFetchError(error: unknown): TransportFailure | undefined {
  if (!(error instanceof TypeError)) return undefined;
  if (error.message !== 'fetch failed' && error.message !== 'terminated') return undefined;

  const code = errorCodeOf(error.cause);
  if (code === undefined) {
    const message = error.cause instanceof Error ? error.cause.message : 'unknown network error';
    return new TransportFailure('other', message, error.cause);
  }
  if (isTlsCode(code)) return new TransportFailure('tls', code, error.cause);
  return new TransportFailure(KIND_BY_CODE[code] ?? 'other', code, error.cause);
}

function errorCodeOf(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;

  const { code, errors } = cause as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) {
    for (const member of errors) {
      const memberCode = errorCodeOf(member);
      if (memberCode) return memberCode;
    }
  }
  return undefined;
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code.startsWith('ERR_SSL_')
  );
}

const REASONS: Record<Exclude<TransportFailureKind, 'tls' | 'timeout'>, string> = {
  refused: 'connection refused',
  dns: 'host name not found',
  'connect-timeout': 'connection timed out',
  reset: 'connection closed early',
  other: 'network error',
};

export function transportFailureToAppError(
  failure: TransportFailure,
  endpoint: Endpoint,
  timeoutMs: number,
): AppError {
  switch (failure.kind) {
    case 'timeout':
      return timeoutError(endpoint, timeoutMs);
    case 'tls':
      return tlsError(endpoint, failure.code, failure);
    default:
      return unreachableError(endpoint, `${REASONS[failure.kind]}, ${failure.code}`, failure);
  }
}
