import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TrackerContext } from '../context.ts';
import { requireAdmin } from '../security/guards.ts';
import { EXPORT_CONTENT_TYPES, exportAuditEntries, exportFileName } from './audit-export.ts';
import { parseAuditExportQuery, parseAuditPageQuery } from './audit-query.ts';
import type { RawQuery } from './params.ts';

/** GET /api/admin/audit (keyset pages, newest first) and GET /api/admin/audit/export (a file). */
export async function adminAuditRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  app.get('/api/admin/audit', async (request) => {
    requireAdmin(request);
    const { limit, ...query } = parseAuditPageQuery(request.query as RawQuery);

    // Reading one entry more than the page shows whether another page exists, without a second query.
    const entries = await context.store.queryAudit({ ...query, limit: limit + 1 });
    const items = entries.slice(0, limit);
    const nextBeforeId = entries.length > limit ? items[items.length - 1]!.id : null;
    return { items, nextBeforeId };
  });

  app.get('/api/admin/audit/export', async (request, reply) => {
    const session = requireAdmin(request);
    const { filters, format } = parseAuditExportQuery(request.query as RawQuery);
    request.log.info({ admin: session.username, format, filters }, 'audit export started');

    // A store error after the headers went out destroys the stream, so the download fails
    // visibly instead of ending as a file that looks complete.
    const body = Readable.from(exportAuditEntries(context.store, filters, format));
    body.on('error', (error) => request.log.error({ err: error }, 'audit export failed'));

    return reply
      .header('Cache-Control', 'no-store')
      .header('Content-Disposition', `attachment; filename="${exportFileName(format, new Date())}"`)
      .type(EXPORT_CONTENT_TYPES[format])
      .send(body);
  });
}
