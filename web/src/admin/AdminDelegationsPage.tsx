import { useState } from 'react';
import { listAllDelegations } from '../api/admin.ts';
import type { TrackerConfig } from '../api/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { Pager } from '../components/Pager.tsx';
import { ReloadErrorAlert } from '../components/ReloadErrorAlert.tsx';
import { useAutoReload } from '../hooks/useAutoReload.ts';
import { useResource } from '../hooks/useResource.ts';
import { plural } from '../lib/format.ts';
import { AdminDelegationTable } from './AdminDelegationTable.tsx';
import { BulkActions } from './BulkActions.tsx';
import { BulkRevokeFlow, type BulkRequest } from './BulkRevokeFlow.tsx';
import { DelegationFilterForm } from './DelegationFilterForm.tsx';
import { EMPTY_DELEGATION_FILTERS, toDelegationQuery } from './delegationFilters.ts';
import { useSelection } from '../hooks/useSelection.ts';

const PAGE_SIZE = 50;

/** Shows every user's delegations, with filters, selection and bulk revocation. */
export function AdminDelegationsPage({
  config,
  adminUsername,
}: {
  config: TrackerConfig;
  adminUsername: string;
}) {
  const [filters, setFilters] = useState(EMPTY_DELEGATION_FILTERS);
  const [startIndex, setStartIndex] = useState(1);
  const [bulk, setBulk] = useState<BulkRequest | null>(null);
  const selection = useSelection();

  const query = { ...toDelegationQuery(filters), startIndex, count: PAGE_SIZE };
  const { data, error, loading, reload } = useResource(JSON.stringify(query), (signal) =>
    listAllDelegations(query, signal),
  );
  useAutoReload(reload, config.pollIntervalSeconds);

  return (
    <section className="panel" aria-labelledby="admin-delegations-title">
      <div className="toolbar">
        <h1 id="admin-delegations-title">All delegations</h1>
        {data && (
          <span className="muted">
            {plural(data.totalResults, 'delegation matches', 'delegations match')}
          </span>
        )}
        <span className="toolbar-spacer" />
        <button type="button" onClick={reload} aria-busy={loading}>
          Reload
        </button>
      </div>

      <DelegationFilterForm
        initial={filters}
        clients={config.clients}
        onApply={(values) => {
          setFilters(values);
          setStartIndex(1);
          selection.clear();
        }}
      />
      <BulkActions
        selectedIds={selection.ids}
        user={query.user}
        client={query.client}
        clients={config.clients}
        onStart={setBulk}
        onClearSelection={selection.clear}
      />

      {data && error !== undefined && <ReloadErrorAlert error={error} onRetry={reload} />}
      {!data && error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {!data && error === undefined && <LoadingState label="Loading delegations…" />}
      {data && data.items.length === 0 && (
        <EmptyState>
          <p>No delegations match these filters.</p>
        </EmptyState>
      )}
      {data && data.items.length > 0 && (
        <>
          <AdminDelegationTable
            items={data.items}
            selected={selection.set}
            onToggle={selection.toggle}
            onTogglePage={(select) =>
              selection.setMany(
                data.items.map((item) => item.id),
                select,
              )
            }
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

      {bulk && (
        <BulkRevokeFlow
          request={bulk}
          clients={config.clients}
          adminUsername={adminUsername}
          onClose={() => setBulk(null)}
          onFinished={() => {
            selection.clear();
            reload();
          }}
        />
      )}
    </section>
  );
}
