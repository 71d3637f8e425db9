import type { FastifyInstance, FastifyReply } from 'fastify';

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
  app.addHook('onSend', async (request, reply, payload) => {
    setSecurityHeaders(reply, request.url, publicUrl);
    return payload;
  });
}

/**
 * Sets the security headers on one reply. Replies that Fastify sends outside the request
 * lifecycle, such as those of `frameworkErrors`, skip the onSend hooks and call this directly.
 */
export function setSecurityHeaders(reply: FastifyReply, url: string, publicUrl: string): void {
  reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  reply.header('X-Frame-Options', 'DENY');
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  if (publicUrl.startsWith('https:'))
    reply.header('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
  if (needsNoStore(url)) reply.header('Cache-Control', 'no-store');
}

function needsNoStore(url: string): boolean {
  return /^\/(api|auth)(\/|\?|$)/.test(url);
}
