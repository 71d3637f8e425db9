import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ChangeEvent, Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { errorLogFields } from '../http/log-fields.ts';
import { requireSession } from '../security/guards.ts';

/** A comment line at this interval keeps proxies from closing an idle event stream. */
const KEEP_ALIVE_MS = 25_000;

/**
 * GET /api/events: Server-Sent Events, one `change` event per ChangeEvent about the user's own
 * delegations (every user's for an administrator). Open streams end when the app closes.
 */
export async function eventRoutes(app: FastifyInstance, context: TrackerContext): Promise<void> {
  const open = new Set<PassThrough>();
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get('/api/events', async (request, reply) => {
    const session = requireSession(request);
    const stream = new PassThrough();
    open.add(stream);

    const unsubscribe = await context.store.subscribe((event) => {
      if (concerns(session, event))
        stream.write(`event: change\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();

    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(keepAlive);
      open.delete(stream);
      stream.end();
      unsubscribe().catch((error: unknown) =>
        request.log.warn({ error: errorLogFields(error) }, 'event unsubscribe failed'),
      );
    };
    reply.raw.once('close', stop);
    stream.once('close', stop);

    stream.write(': connected\n\n');
    return reply
      .type('text/event-stream; charset=utf-8')
      .header('X-Accel-Buffering', 'no')
      .send(stream);
  });
}

function concerns(session: Session, event: ChangeEvent): boolean {
  return session.isAdmin || event.owner === session.username;
}
