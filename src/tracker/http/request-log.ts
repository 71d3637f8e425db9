import type { FastifyInstance } from 'fastify';
import { stripQuery } from '../../shared/logger.ts';

/**
 * Logs one line per finished request. Fastify's own request logging is turned off because it
 * writes the URL with its query string, and the OAuth callback's query carries the code and state.
 */
export function installRequestLog(app: FastifyInstance): void {
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
