import type { FastifyInstance } from 'fastify';

/**
 * Accepts an empty body with `Content-Type: application/json`, which Fastify rejects by default,
 * because the UI sends that header on every POST and DELETE, with or without a body.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
