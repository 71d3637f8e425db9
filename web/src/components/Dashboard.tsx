import { useEffect, useState } from 'react';
import { listDelegations } from '../api/tracker.ts';
import type { IntrospectionMode, TrackerConfig } from '../api/types.ts';
import { useAutoReload } from '../hooks/useAutoReload.ts';
import { useEndedElsewhere } from '../hooks/useEndedElsewhere.ts';
import { useResource } from '../hooks/useResource.ts';
import { DelegationTable } from './DelegationTable.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorState } from './ErrorState.tsx';
import { IntrospectionModeSelect } from './IntrospectionModeSelect.tsx';
import { LoadingState } from './LoadingState.tsx';
import { Pager } from './Pager.tsx';
import { ReloadErrorAlert } from './ReloadErrorAlert.tsx';

const PAGE_SIZE = 50;

/** Shows the signed-in user's own delegations across applications and browsers. */
export function Dashboard({ config }: { config: TrackerConfig }) {
  const [startIndex, setStartIndex] = useState(1);
  const [mode, setMode] = useState<IntrospectionMode>(config.introspectionMode);
  const { data, error, loading, reload } = useResource(`delegations:${startIndex}`, (signal) =>
    listDelegations({ startIndex, count: PAGE_SIZE }, signal),
  );
  const { reloadAfterChange, markRevokedHere } = useEndedElsewhere(data, reload);
  useAutoReload(reload, config.pollIntervalSeconds, reloadAfterChange);

  // Revoking the last rows of a later page leaves it empty: step back to a page that has rows.
  useEffect(() => {
    if (data && data.items.length === 0 && startIndex > 1 && data.totalResults > 0) {
      setStartIndex(Math.max(1, data.totalResults - PAGE_SIZE + 1));
    }
  }, [data, startIndex]);

  return (
    <section className="panel" aria-labelledby="dashboard-title">
      <div className="toolbar">
        <h1 id="dashboard-title">Your sessions</h1>
        {data && <span className="muted">{data.totalResults} in total</span>}
        <span className="toolbar-spacer" />
        <IntrospectionModeSelect value={mode} onChange={setMode} />
        <button type="button" onClick={reload} aria-busy={loading}>
          Reload
        </button>
      </div>

      {data && error !== undefined && <ReloadErrorAlert error={error} onRetry={reload} />}
      {!data && error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {!data && error === undefined && <LoadingState label="Loading your sessions…" />}
      {data && data.items.length === 0 && (
        <EmptyState>
          <p>No active sessions. Sign in to an application and its session appears here.</p>
        </EmptyState>
      )}
      {data && data.items.length > 0 && (
        <>
          <DelegationTable
            items={data.items}
            introspectionMode={mode}
            onRevoking={markRevokedHere}
            onChanged={reload}
          />
          <Pager
            startIndex={startIndex}
            shown={data.items.length}
            total={data.totalResults}
            pageSize={PAGE_SIZE}
            onChange={setStartIndex}
          />
        </>
      )}
    </section>
  );
}
