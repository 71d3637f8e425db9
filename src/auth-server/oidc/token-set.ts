import type * as client from 'openid-client';
import type { TokenSet } from '../types.ts';

/**
 * Converts a token response. A response without `scope` was granted the requested scope
 * (RFC 6749 §5.1). `delegation_id` is not standard: Curity returns it when a token procedure
 * adds it.
 */
export function toTokenSet(
  response: client.TokenEndpointResponse,
  requestedScope: string,
): TokenSet {
  const delegationId = response.delegation_id;

  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    idToken: response.id_token,
    expiresAt:
      typeof response.expires_in === 'number'
        ? new Date(Date.now() + response.expires_in * 1000)
        : undefined,
    scope: splitScope(response.scope ?? requestedScope),
    delegationId:
      typeof delegationId === 'string' && delegationId !== '' ? delegationId : undefined,
  };
}

export function splitScope(scope: string): string[] {
  return scope.split(/\s+/).filter((value) => value !== '');
}
