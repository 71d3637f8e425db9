import type { ClientMetadata } from 'oidc-provider';
import type { IdpClient } from '../../config/idp.ts';

/**
 * Translates a configured client into oidc-provider client metadata.
 *
 * - `web`: confidential, authorization code with PKCE and refresh tokens;
 * - `scim`: client credentials only, with the scopes the SCIM endpoint requires;
 * - `introspection`: no grant at all, it only authenticates at the introspection endpoint.
 *
 * Each client authenticates with `client_secret_basic` or `client_secret_post`: oidc-provider
 * accepts either for a client registered with one of them.
 */
export function toClientMetadata(client: IdpClient, scimScopes: readonly string[]): ClientMetadata {
  const common: ClientMetadata = {
    client_id: client.id,
    client_secret: client.secret,
    ...(client.label ? { client_name: client.label } : {}),
    token_endpoint_auth_method: 'client_secret_basic',
  };

  switch (client.kind) {
    case 'web':
      return {
        ...common,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
      };
    case 'scim':
      return {
        ...common,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        ...(scimScopes.length > 0 ? { scope: scimScopes.join(' ') } : {}),
      };
    case 'introspection':
      return { ...common, grant_types: [], response_types: [], redirect_uris: [] };
  }
}

/**
 * Origins a browser may be redirected to after submitting one of the server's forms (sign-in,
 * logout). CSP `form-action` covers those redirects, so the policy must list them.
 */
export function formTargetOrigins(clients: readonly IdpClient[]): string[] {
  const origins = new Set<string>();
  for (const client of clients) {
    for (const uri of [...client.redirectUris, ...client.postLogoutRedirectUris]) {
      origins.add(new URL(uri).origin);
    }
  }
  return [...origins];
}
