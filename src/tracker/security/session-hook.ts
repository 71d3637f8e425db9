import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import { clearSessionCookie, cookiePolicy, readSessionCookie } from './cookies.ts';
import { currentDevice } from './device.ts';
import { hashCookieValue } from './secrets.ts';

/**
 * Sets `request.session` on /api and /auth requests. A session counts only while it has not
 * expired and the device cookie sent with it is the one it was created for, so a session cookie
 * copied into another browser without the device cookie is worthless. A cookie that matches no
 * valid session is cleared. Static files skip the lookup.
 */
export function installSessionHook(app: FastifyInstance, context: TrackerContext): void {
  const policy = cookiePolicy(context.config.tracker);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request, reply) => {
    request.session = null;
    if (!/^\/(api|auth)(\/|\?|$)/.test(request.url)) return;

    const cookie = readSessionCookie(request, policy);
    if (!cookie) return;

    const session = await context.store.getSession(hashCookieValue(cookie));
    const device = currentDevice(request, context);
    const valid = session !== null && session.expiresAt.getTime() > Date.now() && session.deviceId === device?.id;
    if (valid) {
      request.session = session;
    } else {
      clearSessionCookie(reply, policy);
    }
  });
}
