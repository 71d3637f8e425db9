import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import { publicDeviceId } from '../security/secrets.ts';

/** GET /healthz, /api/config and /api/session: readable without signing in. */
export async function publicRoutes(app: FastifyInstance, context: TrackerContext): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/api/config', async () => ({
    clients: context.relyingParty.clients().map(({ id, label }) => ({ id, label })),
    introspectionMode: context.config.authServer.introspection.mode,
    pollIntervalSeconds: context.config.tracker.pollIntervalSeconds,
  }));

  app.get('/api/session', async (request) => {
    const session = request.session;
    if (!session) return { signedIn: false };

    const device = await context.store.getDevice(session.deviceId);
    const name = session.claims.name;
    return {
      signedIn: true,
      user:
        typeof name === 'string'
          ? { username: session.username, name }
          : { username: session.username },
      isAdmin: session.isAdmin,
      csrfToken: session.csrfToken,
      clientId: session.clientId,
      device: {
        publicId:
          device?.publicId ?? publicDeviceId(session.deviceId, context.config.tracker.cookieSecret),
        browser: device?.browser ?? 'Unknown',
        os: device?.os ?? 'Unknown',
      },
    };
  });
}
