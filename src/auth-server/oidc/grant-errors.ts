import * as client from 'openid-client';
import { AppError } from '../../shared/errors.ts';
import { serverError, type Endpoint } from '../errors.ts';
import { timestampCheckError } from './clock.ts';
import { innerMessage, isJwtProblem, mapLibraryError, unexpectedError } from './library-errors.ts';

/**
 * Maps a failed authorization-code exchange. The callback's own `error` parameter and a state
 * mismatch are checked before the exchange, so what remains here are token-endpoint errors,
 * ID token problems and transport failures.
 */
export function signInError(
  error: unknown,
  endpoint: Endpoint,
  timeoutMs: number,
  clientId: string,
): AppError {
  if (error instanceof client.AuthorizationResponseError)
    return loginDenied(error.error, error.error_description);
  const failed = serverFailure(error, endpoint);
  if (failed) return failed;

  const rejected = rejectedGrant(error);
  if (rejected) {
    return new AppError(
      'login_failed',
      400,
      `The authorization server at ${endpoint.origin} did not complete the sign-in for client "${clientId}" (${rejected}). Start the sign-in again; if it keeps failing, check the client's secret in authServer.clients.`,
      { detail: rejected },
    );
  }
  const skewed = timestampCheckError(error, endpoint);
  if (skewed) return skewed;
  if (error instanceof client.ClientError && isJwtProblem(error))
    return idTokenInvalid(endpoint, error);
  if (error instanceof client.ClientError && isAuthorizationResponseProblem(error)) {
    return new AppError(
      'login_failed',
      400,
      `The sign-in response from ${endpoint.origin} is invalid (${innerMessage(error)}). Start the sign-in again.`,
      { detail: innerMessage(error) },
    );
  }
  return (
    mapLibraryError(error, endpoint, timeoutMs) ??
    unexpectedError(
      'login_failed',
      400,
      `The sign-in at ${endpoint.origin} failed. Start the sign-in again.`,
      error,
    )
  );
}

/**
 * Maps a failed refresh. `invalid_grant` means the refresh token no longer works, most often
 * because the delegation was revoked or expired (RFC 6749 §5.2).
 */
export function refreshError(
  error: unknown,
  endpoint: Endpoint,
  timeoutMs: number,
  clientId: string,
): AppError {
  if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
    return new AppError(
      'delegation_ended',
      409,
      'This session has ended at the authorization server: it was revoked or it expired. Sign in again to start a new one.',
      { detail: error.error },
    );
  }
  const failed = serverFailure(error, endpoint);
  if (failed) return failed;

  const rejected = rejectedGrant(error);
  if (rejected) {
    return new AppError(
      'refresh_failed',
      502,
      `The authorization server at ${endpoint.origin} refused to refresh tokens of client "${clientId}" (${rejected}). Check the client's settings in authServer.clients.`,
      { detail: rejected },
    );
  }
  const skewed = timestampCheckError(error, endpoint);
  if (skewed) return skewed;
  if (error instanceof client.ClientError && isJwtProblem(error))
    return idTokenInvalid(endpoint, error);
  return (
    mapLibraryError(error, endpoint, timeoutMs) ??
    unexpectedError('refresh_failed', 502, `Refreshing tokens at ${endpoint.origin} failed.`, error)
  );
}

export function loginDenied(errorCode: string, description: string | undefined): AppError {
  return new AppError(
    'login_denied',
    400,
    `The authorization server did not grant the sign-in (${errorCode}). Sign in again, and accept the request if you are asked for consent.`,
    { detail: description ? `${errorCode}: ${description}` : errorCode },
  );
}

export function loginExpired(): AppError {
  return new AppError(
    'login_expired',
    400,
    'This sign-in response does not belong to the sign-in in progress in this browser: it was used already, has expired, or came from another tab. Start the sign-in again.',
  );
}

/** Returns `as_error` for an OAuth error body with a 5xx status, because retrying later may help. */
function serverFailure(error: unknown, endpoint: Endpoint): AppError | undefined {
  if (error instanceof client.ResponseBodyError && error.status >= 500) {
    return serverError(endpoint, error.status, error.error);
  }
  return undefined;
}

/** Returns the OAuth error code of a token-endpoint rejection, or undefined for other failures. */
function rejectedGrant(error: unknown): string | undefined {
  if (error instanceof client.ResponseBodyError) return error.error;
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    return (
      challenge?.parameters.error ??
      `HTTP ${error.status} with a ${challenge?.scheme ?? 'WWW-Authenticate'} challenge`
    );
  }
  return undefined;
}

function idTokenInvalid(endpoint: Endpoint, error: client.ClientError): AppError {
  return new AppError(
    'id_token_invalid',
    502,
    `The ID token from ${endpoint.origin} is invalid (${innerMessage(error)}). Check the server's clock and that authServer.issuer is the issuer it signs tokens as.`,
    { detail: innerMessage(error) },
  );
}

/** True when oauth4webapi rejected the callback parameters, which it keeps in `cause.parameters`. */
function isAuthorizationResponseProblem(error: client.ClientError): boolean {
  const inner = error.cause as { cause?: { parameters?: unknown } } | undefined;
  return inner?.cause?.parameters instanceof URLSearchParams;
}
