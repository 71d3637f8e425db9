import { useState } from 'react';
import { auditExportUrl } from '../api/admin.ts';
import type { AuditFilters } from '../api/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { ReloadErrorAlert } from '../components/ReloadErrorAlert.tsx';
import { useAuditLog } from '../hooks/useAuditLog.ts';
import { AuditFilterForm } from './AuditFilterForm.tsx';
import { AuditTable } from './AuditTable.tsx';

/** Shows the audit trail of sign-ins, refreshes, introspections and revocations, newest first. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useAuditLog(filters);
  const hasEntries = log.entries.length > 0;

  return (
    <section className="panel" aria-labelledby="audit-title">
      <div className="toolbar">
        <h1 id="audit-title">Audit log</h1>
        <span className="toolbar-spacer" />
        <a className="button" href={auditExportUrl('csv', filters)} download>
          Export CSV
        </a>
        <a className="button" href={auditExportUrl('jsonl', filters)} download>
          Export JSON Lines
        </a>
        <button type="button" onClick={log.reload} aria-busy={log.loading}>
          Reload
        </button>
      </div>

      <AuditFilterForm onApply={setFilters} />

      {hasEntries && log.error !== undefined && (
        <ReloadErrorAlert error={log.error} onRetry={log.loadMore} />
      )}
      {!hasEntries && log.error !== undefined && (
        <ErrorState error={log.error} onRetry={log.reload} />
      )}
      {!hasEntries && log.error === undefined && log.loading && (
        <LoadingState label="Loading the audit log…" />
      )}
      {!hasEntries && log.error === undefined && !log.loading && (
        <EmptyState>
          <p>No audit entries match these filters.</p>
        </EmptyState>
      )}
      {hasEntries && (
        <>
          <AuditTable entries={log.entries} />
          <div className="pager">
            <span className="pager-status">Showing {log.entries.length} entries</span>
            {log.nextBeforeId !== null && (
              <button
                type="button"
                onClick={log.loadMore}
                disabled={log.loading}
                aria-busy={log.loading}
              >
                Load more
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
