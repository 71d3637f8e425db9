import type { FastifyInstance } from 'fastify';

/**
 * The UI is a static bundle served from this origin, so every source can be 'self'. Data URLs are
 * allowed for images only, for small inline icons.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** One year, in seconds. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Adds the security headers to every response, errors and static files included, and
 * `Cache-Control: no-store` to every /api and /auth response, because those reveal session state.
 */
export function installSecurityHeaders(app: FastifyInstance, publicUrl: string): void {
  const https = new URL(publicUrl).protocol === 'https:';

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Frame-Options', 'DENY');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (https) reply.header('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
    if (needsNoStore(request.url)) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}

function needsNoStore(url: string): boolean {
  return /^\/(api|auth)(\/|\?|$)/.test(url);
}
