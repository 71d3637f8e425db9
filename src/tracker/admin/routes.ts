import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import { requireAdmin } from '../security/guards.ts';
import { adminAuditRoutes } from './audit-routes.ts';
import { adminBulkRoutes } from './bulk-routes.ts';
import { adminDelegationRoutes } from './delegation-routes.ts';
import { adminUserRoutes } from './user-routes.ts';

/**
 * The administrator API under /api/admin. The administrator check runs on request, before the
 * body is parsed or any CSRF check, so everyone else gets 401 `not_signed_in` or 403 `not_admin`
 * whatever they send. Each handler checks again, so a route moved out of this scope stays guarded.
 */
export async function adminRoutes(app: FastifyInstance, context: TrackerContext): Promise<void> {
  await app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => {
      requireAdmin(request);
    });
    await adminDelegationRoutes(admin, context);
    await adminBulkRoutes(admin, context);
    await adminUserRoutes(admin, context);
    await adminAuditRoutes(admin, context);
  });
}
