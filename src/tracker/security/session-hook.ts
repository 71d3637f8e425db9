import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import { cookiePolicy, readSessionCookie } from './cookies.ts';
import { currentDevice } from './device.ts';
import { hashCookieValue } from './secrets.ts';

/**
 * Sets `request.session` on /api and /auth requests. A session counts only while it has not
 * expired and the device cookie sent with it is the one it was created for, so a session cookie
 * copied into another browser without the device cookie is worthless. Static files skip the lookup.
 *
 * A cookie that matches no valid session is left alone, because clearing it could end a newer
 * session. A page's request sent before a sign-in replaced the session can arrive after the new
 * cookie was set, and a Set-Cookie that clears the name would then delete the new cookie. The
 * old value is only an unknown random id. Logout and the post-logout landing clear the cookie.
 */
export function installSessionHook(app: FastifyInstance, context: TrackerContext): void {
  const policy = cookiePolicy(context.config.tracker);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request) => {
    request.session = null;
    if (!/^\/(api|auth)(\/|\?|$)/.test(request.url)) return;

    const cookie = readSessionCookie(request, policy);
    if (!cookie) return;

    const session = await context.store.getSession(hashCookieValue(cookie));
    const device = currentDevice(request, context);
    const valid =
      session !== null &&
      session.expiresAt.getTime() > Date.now() &&
      session.deviceId === device?.id;
    if (valid) request.session = session;
  });
}
