import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import { ScimError } from './errors.ts';

/** The realm in the `WWW-Authenticate` challenge of the SCIM endpoint. */
export const SCIM_REALM = 'user-management';

/** RFC 6750 §2.1: `Bearer` and a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Checks the bearer token of a SCIM request: it must be an unexpired client-credentials token of
 * a configured client (other tokens, user access tokens included, get 401), carrying every scope
 * in `requiredScopes` (else 403). Returns the client id.
 */
export async function authenticateScimRequest(
  req: IncomingMessage,
  provider: Provider,
  requiredScopes: readonly string[],
): Promise<string> {
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new ScimError(
      401,
      'A bearer token is required: get one with the client credentials grant.',
      {
        headers: { 'WWW-Authenticate': `Bearer realm="${SCIM_REALM}"` },
      },
    );
  }

  const value = BEARER.exec(header)?.[1];
  const token = value === undefined ? undefined : await provider.ClientCredentials.find(value);
  const client =
    token?.isValid && token.clientId ? await provider.Client.find(token.clientId) : undefined;
  if (!token || !client) {
    throw new ScimError(
      401,
      'The bearer token is invalid or has expired. Get a new one with the client credentials grant.',
      {
        headers: { 'WWW-Authenticate': `Bearer realm="${SCIM_REALM}", error="invalid_token"` },
      },
    );
  }

  const granted = new Set((token.scope ?? '').split(' '));
  const missing = requiredScopes.filter((scope) => !granted.has(scope));
  if (missing.length > 0) {
    throw new ScimError(
      403,
      `The bearer token lacks the scope ${missing.join(' ')}. Request it in the token request.`,
      {
        headers: {
          'WWW-Authenticate': `Bearer realm="${SCIM_REALM}", error="insufficient_scope", scope="${requiredScopes.join(' ')}"`,
        },
      },
    );
  }
  return client.clientId;
}
