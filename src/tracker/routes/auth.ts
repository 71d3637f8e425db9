import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import {
  cookiePolicy,
  clearSessionCookie,
  readSessionCookie,
  setSessionCookie,
} from '../security/cookies.ts';
import { csrfProtection } from '../security/csrf.ts';
import { currentDevice, ensureDevice } from '../security/device.ts';
import { requireSession } from '../security/guards.ts';
import { hashCookieValue } from '../security/secrets.ts';
import { endSession } from '../services/logout.ts';
import { completeSignIn, startSignIn } from '../services/sign-in.ts';

const loginBody = {
  type: 'object',
  required: ['clientId'],
  properties: { clientId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/**
 * Sign-in, the OAuth callback, logout and the post-logout landing. Every redirect goes to a fixed
 * path on this site: no route takes a return URL from the request.
 */
export async function authRoutes(app: FastifyInstance, context: TrackerContext): Promise<void> {
  const policy = cookiePolicy(context.config.tracker);
  const publicUrl = context.config.tracker.publicUrl;

  app.post<{ Body: { clientId: string } }>(
    '/api/login',
    {
      schema: { body: loginBody },
      preHandler: csrfProtection(publicUrl, { allowPreSession: true }),
    },
    async (request, reply) => {
      const device = ensureDevice(request, reply, context);
      return startSignIn(context, {
        clientId: request.body.clientId,
        device,
        userAgent: request.headers['user-agent'],
      });
    },
  );

  app.get('/auth/callback', async (request, reply) => {
    const previousCookie = readSessionCookie(request, policy);
    const outcome = await completeSignIn(context, {
      callbackUrl: new URL(request.url, publicUrl),
      device: currentDevice(request, context),
      previousSessionIdHash: previousCookie ? hashCookieValue(previousCookie) : undefined,
      userAgent: request.headers['user-agent'],
      log: request.log,
    });

    if (outcome.kind === 'notice') return reply.redirect(`/?notice=${outcome.notice}`, 303);
    setSessionCookie(reply, policy, outcome.cookieValue);
    return reply.redirect('/', 303);
  });

  app.post('/api/logout', { preHandler: csrfProtection(publicUrl) }, async (request, reply) => {
    const session = requireSession(request);
    clearSessionCookie(reply, policy);
    const result = await endSession(context, session);
    request.log.info({ username: session.username }, 'signed out');
    return result;
  });

  // Revoke-all ends the session after its stream has started, too late to clear the cookie there.
  app.get('/auth/logged-out', async (_request, reply) => {
    clearSessionCookie(reply, policy);
    return reply.redirect('/?notice=logged_out', 303);
  });
}
