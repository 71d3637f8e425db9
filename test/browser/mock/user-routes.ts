import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Bowser from 'bowser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  MOCK_CLIENTS,
  MOCK_USERS,
  type MockDelegation,
  type MockDevice,
  type MockState,
} from './data.ts';
import {
  checkCsrf,
  DEVICE_COOKIE,
  MockError,
  page,
  positiveInteger,
  present,
  requireSession,
  SESSION_COOKIE,
  sessionOf,
  streamRevocation,
} from './http.ts';

/** Public routes, sign-in and logout, and the signed-in user's own delegations. */
export async function userRoutes(app: FastifyInstance, state: MockState): Promise<void> {
  app.get('/api/config', async () => ({
    clients: MOCK_CLIENTS,
    introspectionMode: 'json',
    pollIntervalSeconds: 30,
  }));

  app.get('/api/session', async (request, reply) => {
    const device = deviceOf(state, request, reply);
    const session = sessionOf(state, request);
    if (!session) return { signedIn: false };
    return {
      signedIn: true,
      user: { username: session.username, name: session.name },
      isAdmin: session.isAdmin,
      csrfToken: session.csrfToken,
      clientId: session.clientId,
      device: { publicId: device.publicId, browser: device.browser, os: device.os },
    };
  });

  app.post<{ Body: { clientId?: string } }>('/api/login', async (request) => {
    checkCsrf(request, sessionOf(state, request), true);
    const clientId = request.body?.clientId;
    if (!MOCK_CLIENTS.some((client) => client.id === clientId)) {
      throw new MockError(400, 'unknown_client', `Unknown application "${clientId}".`);
    }
    return { authorizationUrl: `/mock/authorize?client_id=${encodeURIComponent(clientId ?? '')}` };
  });

  // Stands in for the authorization server and the callback: signs in `state.nextUser` at once.
  app.get<{ Querystring: { client_id: string } }>('/mock/authorize', async (request, reply) => {
    const device = deviceOf(state, request, reply);
    const username = state.nextUser;
    const user = MOCK_USERS[username] ?? { name: username, isAdmin: false };
    const sessionId = randomBytes(16).toString('base64url');
    state.sessions.set(sessionId, {
      username,
      name: user.name,
      isAdmin: user.isAdmin,
      csrfToken: randomBytes(16).toString('base64url'),
      clientId: request.query.client_id,
      deviceId: device.id,
    });
    state.seed(username, request.query.client_id, device.publicId, Date.now(), 24, device.id);
    state.appendAudit({
      actor: username,
      actorIsAdmin: user.isAdmin,
      action: 'sign-in',
      owner: username,
      clientId: request.query.client_id,
      result: 'succeeded',
    });
    state.notify(username);
    reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'lax' });
    return reply.redirect('/', 303);
  });

  app.post('/api/logout', async (request, reply) => {
    const session = requireSession(state, request);
    checkCsrf(request, session);
    endSession(state, request, reply);
    return { logoutUrl: '/auth/logged-out' };
  });

  app.get('/auth/logged-out', async (_request, reply) =>
    reply.redirect('/?notice=logged_out', 303),
  );

  app.get<{ Querystring: { startIndex?: string; count?: string } }>(
    '/api/delegations',
    async (request) => {
      const session = requireSession(state, request);
      const items = state
        .issued(session.username)
        .sort((a, b) => a.created.localeCompare(b.created))
        .map((delegation) => present(state, delegation, session, true));
      return page(
        items,
        positiveInteger(request.query.startIndex, 1),
        positiveInteger(request.query.count, 50),
      );
    },
  );

  app.post<{ Params: { id: string } }>('/api/delegations/:id/refresh', async (request) => {
    const session = requireSession(state, request);
    checkCsrf(request, session);
    const delegation = ownHeld(state, request.params.id, session.username, session.deviceId);
    state.notify(session.username);
    return {
      delegationId: delegation.delegationId,
      accessTokenExpiresAt: new Date(Date.now() + 300_000).toISOString(),
      refreshTokenRotated: false,
    };
  });

  app.post<{ Params: { id: string }; Body: { mode?: 'json' | 'jwt' } }>(
    '/api/delegations/:id/introspect',
    async (request) => {
      const session = requireSession(state, request);
      checkCsrf(request, session);
      const delegation = ownHeld(state, request.params.id, session.username, session.deviceId);
      const mode = request.body?.mode ?? 'json';
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        active: true,
        sub: delegation.owner,
        client_id: delegation.clientId,
        scope: delegation.scope.join(' '),
        exp: now + 300,
        iat: now - 60,
        delegation_id: delegation.delegationId,
      };
      return mode === 'jwt'
        ? { active: true, mode, claims, verified: true, maxAgeSeconds: 240 }
        : { active: true, mode, claims, maxAgeSeconds: 240 };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/delegations/:id', async (request) => {
    const session = requireSession(state, request);
    checkCsrf(request, session);
    const delegation = state.delegations.get(request.params.id);
    if (!delegation || delegation.owner !== session.username) throw notFound();
    return { result: revokeOrFail(state, delegation) };
  });

  app.post('/api/revoke-all', async (request, reply) => {
    const session = requireSession(state, request);
    checkCsrf(request, session);
    await streamRevocation(reply, {
      state,
      targets: state.issued(session.username),
      onSuccess: () => {
        endSession(state, request, reply);
        return '/auth/logged-out';
      },
    });
    return reply;
  });

  app.get('/api/events', async (request, reply) => {
    const session = requireSession(state, request);
    const stream = new PassThrough();
    const stop = state.onChange((owner) => {
      if (session.isAdmin || owner === session.username)
        stream.write(`event: change\ndata: {"owner":"${owner}"}\n\n`);
    });
    reply.raw.once('close', () => {
      stop();
      stream.end();
    });
    stream.write(': connected\n\n');
    return reply.type('text/event-stream; charset=utf-8').send(stream);
  });
}

function ownHeld(state: MockState, id: string, username: string, deviceId: string) {
  const delegation = state.delegations.get(id);
  if (!delegation || delegation.owner !== username) throw notFound();
  if (delegation.status !== 'issued') {
    throw new MockError(
      409,
      'delegation_ended',
      'That session has ended at the authorization server. Reload the list.',
    );
  }
  if (delegation.tokensHeldBy !== deviceId) {
    throw new MockError(
      400,
      'no_tokens_here',
      'This browser holds no tokens for that session, so it cannot act on them here.',
    );
  }
  return delegation;
}

export function revokeOrFail(
  state: MockState,
  delegation: MockDelegation,
): 'revoked' | 'already-revoked' {
  try {
    return state.revoke(delegation);
  } catch (error) {
    throw new MockError(502, 'server_unavailable', (error as Error).message);
  }
}

function notFound(): MockError {
  return new MockError(
    404,
    'delegation_not_found',
    'No such session was found among yours. It may have ended already; reload the list.',
  );
}

function endSession(state: MockState, request: FastifyRequest, reply: FastifyReply): void {
  const id = request.cookies[SESSION_COOKIE];
  if (id !== undefined) state.sessions.delete(id);
  if (!reply.sent) reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

function deviceOf(state: MockState, request: FastifyRequest, reply: FastifyReply): MockDevice {
  const existing = state.devices.get(request.cookies[DEVICE_COOKIE] ?? '');
  if (existing) return existing;

  const parsed = Bowser.parse(request.headers['user-agent'] ?? '');
  const browser = [parsed.browser.name ?? 'Unknown', parsed.browser.version?.split('.')[0]]
    .filter(Boolean)
    .join(' ');
  const device = state.addDevice(browser, parsed.os.name ?? 'Unknown');
  reply.setCookie(DEVICE_COOKIE, device.id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 400 * 24 * 3600,
  });
  return device;
}
