import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { IntrospectedToken, PhantomTokenSigner } from './phantom-token.ts';

/**
 * Koa middleware around oidc-provider's introspection endpoint. It adds Curity's `delegationId`
 * to active JSON responses, and `sub` (the client id) for client-credentials tokens.
 *
 * It also implements Curity's phantom-token mode. With `Accept: application/jwt`, an active token
 * gets 200 with a signed JWT and `Cache-Control: max-age`, and an inactive one gets 204 with no
 * body.
 */
export function introspectionExtras(signer: PhantomTokenSigner): Middleware {
  return async (koaCtx, next) => {
    await next();

    const ctx = koaCtx as unknown as KoaContextWithOIDC;
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.active !== 'boolean') return;

    const token = introspectedToken(ctx);
    if (body.active && token) {
      if (token.grantId) body.delegationId = token.grantId;
      if (token.kind === 'ClientCredentials') body.sub ??= token.clientId;
    }

    if (!acceptsJwt(ctx.get('accept'))) return;

    if (!body.active || !token) {
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    const tokenValue = String(ctx.oidc.params?.token ?? '');
    const { jwt, maxAgeSeconds } = await signer.sign(token, tokenValue);
    ctx.remove('Pragma');
    ctx.set('Cache-Control', `max-age=${maxAgeSeconds}`);
    ctx.type = 'application/jwt';
    ctx.body = jwt;
  };
}

function introspectedToken(ctx: KoaContextWithOIDC): IntrospectedToken | undefined {
  const { entities } = ctx.oidc;
  return (entities.AccessToken ?? entities.ClientCredentials ?? entities.RefreshToken) as
    IntrospectedToken | undefined;
}

/** True when the Accept header lists `application/jwt` (Curity's phantom-token media type). */
export function acceptsJwt(accept: string): boolean {
  return accept
    .split(',')
    .map((range) => range.split(';')[0]!.trim().toLowerCase())
    .includes('application/jwt');
}
