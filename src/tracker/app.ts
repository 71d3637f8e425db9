import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin/routes.ts';
import type { TrackerContext } from './context.ts';
import { installErrorHandler } from './http/error-handler.ts';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  MAX_PARAM_LENGTH,
} from './http/framework-errors.ts';
import { installBodyParsers } from './http/json-body.ts';
import { installRequestLog } from './http/request-log.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { DEFAULT_WEB_ROOT, installStaticUi } from './http/static-ui.ts';
import { authRoutes } from './routes/auth.ts';
import { delegationRoutes } from './routes/delegations.ts';
import { eventRoutes } from './routes/events.ts';
import { publicRoutes } from './routes/public.ts';
import { revokeAllRoutes } from './routes/revoke-all.ts';
import { installSessionHook } from './security/session-hook.ts';

/** Request bodies are small JSON objects; anything larger is a mistake or an attack. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the tracker's Fastify app without listening, so tests can also use `inject`. */
export async function buildTrackerApp(context: TrackerContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.logger as FastifyBaseLogger,
    // Fastify's own request lines carry the URL with its query; installRequestLog writes ours.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    genReqId: () => randomUUID(),
    trustProxy: context.config.tracker.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler(context.config.tracker.publicUrl),
    clientErrorHandler: clientErrorHandler(context.logger as FastifyBaseLogger),
  });

  installBodyParsers(app);
  installErrorHandler(app);
  installSecurityHeaders(app, context.config.tracker.publicUrl);
  installRequestLog(app);
  await app.register(fastifyCookie);
  installSessionHook(app, context);

  await publicRoutes(app, context);
  await authRoutes(app, context);
  await delegationRoutes(app, context);
  await revokeAllRoutes(app, context);
  await eventRoutes(app, context);
  await adminRoutes(app, context);
  await installStaticUi(app, context.webRoot ?? DEFAULT_WEB_ROOT);

  return app;
}
