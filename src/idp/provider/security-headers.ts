import type { Middleware, ParameterizedContext } from 'koa';
import { contentSecurityPolicy, createNonce, PAGE_HEADERS } from '../html.ts';

/**
 * Koa middleware that gives every oidc-provider response the pages' security headers and a
 * fresh CSP nonce, which the logout and error pages read through cspNonceOf.
 */
export function securityHeaders(formOrigins: readonly string[]): Middleware {
  return async (ctx, next) => {
    const nonce = createNonce();
    ctx.state.cspNonce = nonce;
    ctx.set('Content-Security-Policy', contentSecurityPolicy(nonce, formOrigins));
    for (const [name, value] of Object.entries(PAGE_HEADERS)) {
      if (name !== 'Cache-Control') ctx.set(name, value);
    }
    await next();
  };
}

export function cspNonceOf(ctx: ParameterizedContext): string {
  const nonce: unknown = ctx.state.cspNonce;
  if (typeof nonce !== 'string') {
    throw new Error('securityHeaders middleware did not run before a page was rendered');
  }
  return nonce;
}
