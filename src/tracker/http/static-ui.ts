import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TrackerErrors } from '../errors.ts';
import { sendError } from './error-handler.ts';

/** The UI bundle that `npm run build:web` writes. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

const MISSING_UI_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Session Tracker: UI not built</title></head>
<body>
<h1>The user interface has not been built</h1>
<p>The tracker found no UI bundle in <code>dist/web</code>. Run <code>npm run build:web</code>, then reload this page.
The API under <code>/api</code> works without it.</p>
</body>
</html>
`;

/**
 * Serves the UI from `webRoot`. Unknown /api routes get a JSON 404; any other unknown GET gets
 * index.html, so client-side routes such as /admin load the app.
 */
export async function installStaticUi(app: FastifyInstance, webRoot: string): Promise<void> {
  const built = existsSync(join(webRoot, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
    });
  } else {
    app.log.warn({ webRoot }, 'UI bundle not found: run npm run build:web');
  }

  app.setNotFoundHandler(async (request, reply) => {
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !/^\/api(\/|\?|$)/.test(request.url);
    if (!isPage)
      return sendError(reply, TrackerErrors.routeNotFound(request.method, routePath(request.url)));
    return built ? reply.sendFile('index.html') : sendMissingUiPage(reply);
  });
}

function sendMissingUiPage(reply: FastifyReply): FastifyReply {
  return reply.code(503).type('text/html; charset=utf-8').send(MISSING_UI_PAGE);
}

function routePath(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
