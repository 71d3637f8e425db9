import type { UserDelegationGroup } from '../api/types.ts';
import { plural } from '../lib/format.ts';
import type { BulkRequest } from './BulkRevokeFlow.tsx';

interface UserClientSummaryProps {
  groups: UserDelegationGroup[];
  onRevoke: (request: BulkRequest) => void;
}

/** One line per client with the user's delegations in it across devices, and a revoke button. */
export function UserClientSummary({ groups, onRevoke }: UserClientSummaryProps) {
  const clients = new Map<string, { label: string; ids: string[] }>();
  for (const group of groups) {
    const entry = clients.get(group.clientId) ?? {
      label: group.items[0]?.clientLabel ?? group.clientId,
      ids: [],
    };
    entry.ids.push(...group.items.map((item) => item.id));
    clients.set(group.clientId, entry);
  }

  return (
    <div className="table-scroll">
      <table className="table table-compact">
        <caption>By client</caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Sessions</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {[...clients].map(([clientId, { label, ids }]) => (
            <tr key={clientId}>
              <td>{label}</td>
              <td className="number">{ids.length}</td>
              <td>
                <button
                  type="button"
                  className="danger-outline"
                  onClick={() =>
                    onRevoke({ target: { ids }, description: `${plural(ids.length, 'delegation')} in ${label}` })
                  }
                >
                  Revoke all in {label}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
