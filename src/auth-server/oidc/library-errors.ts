import * as client from 'openid-client';
import { AppError, isAppError } from '../../shared/errors.ts';
import { invalidResponseError, serverError, timeoutError, type Endpoint } from '../errors.ts';

/**
 * Maps the errors of openid-client that are not OAuth error responses: transport failures (thrown
 * as AppErrors by our fetch, which openid-client wraps), timeouts and malformed responses.
 * Returns undefined for the errors a caller must interpret itself: OAuth error responses,
 * authorization response errors and JWT validation failures.
 *
 * openid-client keeps response bodies and callback parameters in `cause`, so the AppErrors built
 * here carry only status codes, content types and openid-client's fixed messages.
 */
export function mapLibraryError(
  error: unknown,
  endpoint: Endpoint,
  timeoutMs: number,
): AppError | undefined {
  if (isAppError(error)) return error;
  if (!(error instanceof client.ClientError)) return undefined;
  if (isAppError(error.cause)) return error.cause;

  switch (error.code) {
    case 'OAUTH_TIMEOUT':
    case 'OAUTH_ABORT':
      return timeoutError(endpoint, timeoutMs);
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      return unexpectedStatusError(error.cause, endpoint);
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
      return invalidResponseError(
        endpoint,
        `${describeResponse(error.cause)} where JSON was expected`,
      );
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
      return invalidResponseError(
        endpoint,
        'a plain-HTTP URL was refused, because plain HTTP is allowed only for an issuer on loopback',
      );
    case 'OAUTH_PARSE_ERROR':
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
    case 'OAUTH_INVALID_SERVER_METADATA':
    case 'OAUTH_MISSING_SERVER_METADATA':
      return isJwtProblem(error) ? undefined : invalidResponseError(endpoint, innerMessage(error));
    default:
      return undefined;
  }
}

/**
 * True when openid-client rejected a JWT's contents (claims, timestamps, structure) rather than
 * the HTTP exchange around it.
 */
export function isJwtProblem(error: client.ClientError): boolean {
  if (
    error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' ||
    error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED'
  ) {
    return true;
  }
  return /\bJWT\b|ID Token|id_token/.test(innerMessage(error));
}

/** Returns the message of the oauth4webapi error inside a ClientError, which is a fixed text without values. */
export function innerMessage(error: client.ClientError): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function unexpectedStatusError(response: unknown, endpoint: Endpoint): AppError {
  const status = response instanceof Response ? response.status : 0;
  if (status >= 500) return serverError(endpoint, status);
  return invalidResponseError(endpoint, `unexpected ${describeResponse(response)}`);
}

function describeResponse(response: unknown): string {
  if (!(response instanceof Response)) return 'response';
  const contentType = response.headers.get('content-type') ?? 'none';
  return `HTTP ${response.status} with content type ${contentType}`;
}

export function isOAuthErrorResponse(error: unknown): error is client.ResponseBodyError {
  return error instanceof client.ResponseBodyError;
}

/**
 * Builds an AppError for an unexpected failure. The error's cause is left out, because openid-client
 * puts response bodies and callback parameters there.
 */
export function unexpectedError(
  code: string,
  status: number,
  message: string,
  error: unknown,
): AppError {
  const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AppError(code, status, message, { detail: name });
}
