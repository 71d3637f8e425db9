import type { ClientOption } from '../api/types.ts';
import { GuardedButton } from '../components/GuardedButton.tsx';
import { plural } from '../lib/format.ts';
import type { BulkRequest } from './BulkRevokeFlow.tsx';

interface BulkActionsProps {
  selectedIds: string[];
  /** The exact user and the client of the applied filters, if any. */
  user: string | undefined;
  client: string | undefined;
  clients: ClientOption[];
  onStart: (request: BulkRequest) => void;
  onClearSelection: () => void;
}

export function BulkActions({
  selectedIds,
  user,
  client,
  clients,
  onStart,
  onClearSelection,
}: BulkActionsProps) {
  const clientLabel = clients.find((option) => option.id === client)?.label ?? client;

  return (
    <div className="bulk-actions" role="group" aria-label="Bulk actions">
      <span className="muted">{plural(selectedIds.length, 'delegation')} selected</span>
      {selectedIds.length > 0 && (
        <button type="button" className="link-button" onClick={onClearSelection}>
          Clear selection
        </button>
      )}
      <GuardedButton
        className="danger-outline"
        disabledReason={
          selectedIds.length === 0 ? 'Select delegations in the table first.' : undefined
        }
        onClick={() =>
          onStart({
            target: { ids: selectedIds },
            description: `the ${plural(selectedIds.length, 'selected delegation')}`,
          })
        }
      >
        Revoke selected
      </GuardedButton>
      <GuardedButton
        className="danger-outline"
        disabledReason={user ? undefined : 'Filter by one user ("User (exact)") first.'}
        onClick={() =>
          user && onStart({ target: { user }, description: `all delegations of ${user}` })
        }
      >
        Revoke all of this user
      </GuardedButton>
      <GuardedButton
        className="danger-outline"
        disabledReason={client ? undefined : 'Filter by one client first.'}
        onClick={() =>
          client &&
          onStart({ target: { client }, description: `all delegations of ${clientLabel}` })
        }
      >
        Revoke all of this client
      </GuardedButton>
    </div>
  );
}
