import {
  errors,
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { IdpConfig } from '../../config/idp.ts';
import type { AccountDirectory } from '../accounts.ts';
import { errorPage, logoutPage, postLogoutPage } from '../pages.ts';
import type { ServerSecrets } from '../store/secrets.ts';
import { toClientMetadata } from './clients.ts';
import { allowsGrantCascade } from './grant-policy.ts';
import { cspNonceOf } from './security-headers.ts';
import { CURITY_ROUTES, INTERACTION_PATH } from './routes.ts';
import { assertUserAgentId } from './user-agent-id.ts';

/** Lifetime of the single sign-on session: a working day. */
const SESSION_TTL_SECONDS = 8 * 3600;
/** Time a user has to finish the sign-in page. */
const INTERACTION_TTL_SECONDS = 10 * 60;
/** RFC 6749 §4.1.2 recommends at most 10 minutes, and oidc-provider's default is one minute. */
const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export interface ConfigurationDependencies {
  config: IdpConfig;
  accounts: AccountDirectory;
  adapter: Configuration['adapter'];
  signingKey: ServerSecrets['signingKey'];
  retiredSigningKeys: ServerSecrets['retiredSigningKeys'];
  cookieKeys: string[];
}

/**
 * Builds oidc-provider settings that make it behave like Curity Identity Server: Curity's endpoint
 * paths, PKCE on every authorization, a new grant (delegation) per authorization, refresh tokens
 * for every web client, rotation unless `reuseRefreshTokens`, and tokens that outlive the single
 * sign-on session.
 */
export function buildConfiguration(deps: ConfigurationDependencies): Configuration {
  const { config, accounts } = deps;

  return {
    adapter: deps.adapter,
    // oidc-provider signs with the first key of the algorithm; the retired ones only verify.
    jwks: {
      keys: [deps.signingKey, ...deps.retiredSigningKeys] as NonNullable<
        Configuration['jwks']
      >['keys'],
    },
    clients: config.clients.map((client) => toClientMetadata(client, config.scimRequiredScopes)),
    routes: { ...CURITY_ROUTES, jwks: `${config.issuerPath}/jwks` },
    cookies: {
      keys: deps.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },

    scopes: ['openid', 'profile', 'offline_access', ...config.scimRequiredScopes],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'] },
    // The ID token carries the profile claims even when an access token is issued, because the
    // tracker reads the username, name and groups from it.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    clientBasedCORS: () => false,

    async findAccount(_ctx, sub) {
      const account = accounts.find(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...accounts.claimsOf(account), sub }) };
    },

    interactions: {
      policy: interactionPolicy.base(),
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
    },
    // Curity creates a new delegation for every authorization, even when the same user signed in
    // to the same client before, so only the grant made by this request's consent step is reused.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },

    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => !config.reuseRefreshTokens,
    expiresWithSession: async () => false,
    revokeGrantPolicy: (ctx) => allowsGrantCascade(ctx),

    async extraTokenClaims(ctx) {
      if (ctx?.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'authorization_code') {
        // The only hook inside the code exchange that runs before tokens are returned, so a
        // malformed `user_agent_id` fails the request instead of being dropped silently.
        assertUserAgentId(ctx.oidc.body?.user_agent_id);
      }
      return undefined;
    },

    ttl: {
      AccessToken: (ctx) => withinGrant(ctx, config.accessTokenTtlSeconds),
      RefreshToken: (ctx) => withinGrant(ctx, config.refreshTokenTtlSeconds),
      IdToken: () => config.accessTokenTtlSeconds,
      ClientCredentials: () => config.accessTokenTtlSeconds,
      AuthorizationCode: () => AUTHORIZATION_CODE_TTL_SECONDS,
      Grant: () => config.delegationTtlSeconds,
      Interaction: () => INTERACTION_TTL_SECONDS,
      Session: () => SESSION_TTL_SECONDS,
    },

    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: mayIntrospect(config) },
      revocation: { enabled: true, allowedPolicy: mayRevoke },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx) {
          // oidc-provider's own form lacks `logout=yes`, which ends the whole session, so the
          // page builds the same form (action and xsrf value) with it.
          const xsrf = String(ctx.oidc.session?.state?.secret ?? '');
          ctx.type = 'html';
          ctx.body = logoutPage(ctx.oidc.urlFor('end_session_confirm'), xsrf, cspNonceOf(ctx));
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = postLogoutPage(cspNonceOf(ctx));
        },
      },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },

    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out, cspNonceOf(ctx));
    },
  };
}

/**
 * Caps a token's lifetime at what remains of its delegation, because every token issued under
 * a delegation ends with it.
 */
function withinGrant(ctx: KoaContextWithOIDC | undefined, ttlSeconds: number): number {
  const grantExpiry = ctx?.oidc?.entities.Grant?.exp;
  if (typeof grantExpiry !== 'number') return ttlSeconds;
  const remaining = grantExpiry - Math.floor(Date.now() / 1000);
  return Math.max(1, Math.min(ttlSeconds, remaining));
}

/** RFC 7009 §2.1: a client may revoke only tokens issued to it. */
async function mayRevoke(
  _ctx: KoaContextWithOIDC,
  client: { clientId: string },
  token: { clientId?: string },
) {
  if (token.clientId !== client.clientId) {
    throw new errors.UnauthorizedClient('the token was issued to another client');
  }
  return true;
}

/** Returns the policy that lets the `introspection` client introspect every token and other clients only their own. */
function mayIntrospect(config: IdpConfig) {
  const introspectors = new Set(
    config.clients.filter((client) => client.kind === 'introspection').map((c) => c.id),
  );
  return async (
    _ctx: KoaContextWithOIDC,
    client: { clientId: string },
    token: { clientId?: string },
  ) => introspectors.has(client.clientId) || token.clientId === client.clientId;
}
