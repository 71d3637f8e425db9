import type { FastifyInstance } from 'fastify';

/**
 * Accepts JSON bodies only. Fastify's text/plain parser is removed, because text/plain is one of
 * the content types a cross-site form or fetch may send without a CORS preflight. An empty body
 * with `Content-Type: application/json`, which Fastify rejects by default, is accepted as no body,
 * because the UI sends that header on every POST and DELETE.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
