import type { FastifyInstance } from 'fastify';
import { stripQuery } from '../../shared/logger.ts';

/**
 * Sends the request id as `X-Request-Id`, so a user can quote it and an operator can find the log
 * lines, and logs one line per finished request. Fastify's own request lines are turned off
 * because they contain the URL with its query string, which carries the OAuth code and state.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: stripQuery(request.url),
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
}
