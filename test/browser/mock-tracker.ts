/**
 * A stand-in tracker for looking at the UI without the backend: Fastify on 127.0.0.1 serving the
 * built UI (dist/web) and canned responses in the shapes of docs/api.md, kept in memory. Signing in
 * goes through /mock/authorize, which signs in `state.nextUser` at once.
 *
 * Run it alone with `npx tsx test/browser/mock-tracker.ts` to browse it; it prints its URL.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { adminRoutes } from './mock/admin-routes.ts';
import { MockState } from './mock/data.ts';
import { MockError } from './mock/http.ts';
import { userRoutes } from './mock/user-routes.ts';

export { MockState } from './mock/data.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

// The tracker's policy: a page that needs more than this breaks in production.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

export interface MockTracker {
  url: string;
  state: MockState;
  close(): Promise<void>;
}

export async function startMockTracker(state = new MockState()): Promise<MockTracker> {
  if (!existsSync(`${WEB_ROOT}index.html`)) {
    throw new Error(`No UI bundle in ${WEB_ROOT}. Run "npm run build:web" first.`);
  }

  const app = Fastify({ logger: false });
  await app.register(fastifyCookie);

  // The UI sends Content-Type: application/json on every DELETE, which has no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false });

  app.addHook('onRequest', async (request, reply) => {
    if (!state.brokenPaths.has(request.url.split('?')[0] ?? '')) return;
    await reply
      .code(502)
      .type('text/html')
      .send('<html><body><h1>502 Bad Gateway</h1></body></html>');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MockError) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    return reply
      .code(500)
      .send({ error: { code: 'internal_error', message: 'The mock tracker failed.' } });
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: `No API route matches ${request.url}.` } });
    }
    return reply.sendFile('index.html');
  });

  await app.register(async (scope) => userRoutes(scope, state));
  await app.register(async (scope) => adminRoutes(scope, state));

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, state, close: () => app.close() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tracker = await startMockTracker();
  console.log(`Mock tracker at ${tracker.url} (Ctrl+C stops it)`);
  process.once('SIGINT', () => void tracker.close());
}
