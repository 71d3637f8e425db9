import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Returns whether oidc-provider may revoke a grant (a delegation) and every token issued under it
 * while handling `ctx`. oidc-provider 9 does so in more places than Curity, so this narrows it:
 *
 * - Token revocation (RFC 7009) revokes only the presented token. RFC 7009 §2.1 leaves the
 *   cascade to the server, and Curity documents none.
 * - Logout ends the single sign-on session only, as Curity's logout does.
 * - A rotated refresh token presented again revokes the delegation only for a public client,
 *   like Curity's `revoke-delegation-for-public-clients-reusing-refresh-token`.
 * - An authorization code presented twice still revokes everything issued from it
 *   (RFC 6749 §4.1.2).
 *
 * Requests outside oidc-provider (the SCIM DELETE) revoke through the delegation store.
 */
export function allowsGrantCascade(ctx: KoaContextWithOIDC | undefined): boolean {
  const route = ctx?.oidc?.route;
  if (route === undefined) return true;
  if (route === 'revocation' || route.startsWith('end_session')) return false;
  if (route === 'token' && ctx?.oidc.params?.grant_type === 'refresh_token') {
    return ctx.oidc.client?.clientAuthMethod === 'none';
  }
  return true;
}
