import { createLogger } from '../../src/shared/logger.ts';
import { openStore } from '../../src/store/index.ts';
import type { AuditEntry } from '../../src/store/types.ts';
import type { DoneAction } from './simulated-user.ts';

/** Audit entries read from the store per query: the store's maximum. */
const PAGE = 1000;

/** Reads every `succeeded` audit entry of the tracker's SQLite store, newest first. */
export async function readSucceededAudit(
  dataDir: string,
  cookieSecret: Buffer,
): Promise<AuditEntry[]> {
  const store = await openStore({
    dataDir,
    secret: cookieSecret,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const entries: AuditEntry[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await store.queryAudit({
        result: 'succeeded',
        limit: PAGE,
        ...(beforeId ? { beforeId } : {}),
      });
      entries.push(...page);
      if (page.length < PAGE) return entries;
      beforeId = page[page.length - 1]!.id;
    }
  } finally {
    await store.close();
  }
}

/**
 * Returns the done actions the audit trail lacks. Actions are compared as counts per action and
 * key (the delegation id, or the username for a sign-in), because one delegation may be refreshed
 * many times: each report of success needs its own entry.
 */
export function missingFromAudit(
  done: readonly DoneAction[],
  audit: readonly AuditEntry[],
): DoneAction[] {
  const recorded = new Map<string, number>();
  for (const entry of audit) {
    const key = entry.action === 'sign-in' ? entry.actor : entry.delegationId;
    if (key === undefined) continue;
    const id = `${entry.action}\n${key}`;
    recorded.set(id, (recorded.get(id) ?? 0) + 1);
  }

  const missing: DoneAction[] = [];
  for (const action of done) {
    const id = `${action.action}\n${action.key}`;
    const left = recorded.get(id) ?? 0;
    if (left === 0) missing.push(action);
    else recorded.set(id, left - 1);
  }
  return missing;
}
