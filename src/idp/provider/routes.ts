/**
 * Endpoint paths of Curity Identity Server's default OAuth profile. oidc-provider is mounted at
 * the root, so these are full paths; only the JWKS and discovery live under the issuer path.
 */
export const CURITY_ROUTES = {
  authorization: '/oauth/v2/oauth-authorize',
  token: '/oauth/v2/oauth-token',
  introspection: '/oauth/v2/oauth-introspect',
  revocation: '/oauth/v2/oauth-revoke',
  userinfo: '/oauth/v2/oauth-userinfo',
  end_session: '/oauth/v2/oauth-session/logout',
} as const;

/** Prefix of every path oidc-provider serves apart from the issuer's JWKS and discovery. */
export const OAUTH_PREFIX = '/oauth/v2/';

/** The sign-in page: `${INTERACTION_PATH}/<interaction uid>`. */
export const INTERACTION_PATH = '/authentication/login';

/** Curity's authentication logout: `GET /authentication/logout?redirect_uri=…`. */
export const AUTHENTICATION_LOGOUT_PATH = '/authentication/logout';
