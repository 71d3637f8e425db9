import type { UserDelegationGroup } from '../api/types.ts';
import type { BulkRequest } from './BulkRevokeFlow.tsx';
import { clientLabelOf } from './userGroups.ts';

interface UserClientSummaryProps {
  username: string;
  groups: UserDelegationGroup[];
  onRevoke: (request: BulkRequest) => void;
}

/** Lists the user's delegations per client across devices, each client with a revoke button. */
export function UserClientSummary({ username, groups, onRevoke }: UserClientSummaryProps) {
  const clients = new Map<string, { label: string; count: number }>();
  for (const group of groups) {
    const entry = clients.get(group.clientId) ?? { label: clientLabelOf(group), count: 0 };
    entry.count += group.items.length;
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
          {[...clients].map(([clientId, { label, count }]) => (
            <tr key={clientId}>
              <td>{label}</td>
              <td className="number">{count}</td>
              <td>
                <button
                  type="button"
                  className="danger-outline"
                  onClick={() =>
                    onRevoke({
                      target: { user: username, client: clientId },
                      description: `the delegations of ${username} in ${label}`,
                    })
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
