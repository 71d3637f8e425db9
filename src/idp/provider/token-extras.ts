import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { DelegationStore } from '../store/delegations.ts';

/**
 * Koa middleware that adds Curity's token-procedure fields to successful token responses of
 * user grants: `delegation_id` and `sub`, and after a code exchange `user_agent_id`, which is
 * also stored in the delegation's customData. Client-credentials responses stay standard.
 */
export function tokenResponseExtras(delegations: DelegationStore): Middleware {
  return async (koaCtx, next) => {
    await next();

    const ctx = koaCtx as unknown as KoaContextWithOIDC;
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    const grant = ctx.oidc.entities.Grant;
    if (!body || typeof body.access_token !== 'string' || !grant?.jti) return;

    body.delegation_id = grant.jti;
    body.sub = grant.accountId;

    const userAgentId = ctx.oidc.body?.user_agent_id;
    if (ctx.oidc.params?.grant_type === 'authorization_code' && typeof userAgentId === 'string') {
      delegations.mergeCustomData(grant.jti, { user_agent_id: userAgentId });
      body.user_agent_id = userAgentId;
    }
  };
}
