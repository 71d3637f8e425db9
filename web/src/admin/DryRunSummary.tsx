import type { BulkDryRun, ClientOption } from '../api/types.ts';
import { plural } from '../lib/format.ts';
import { OwnDelegationsWarning } from './OwnDelegationsWarning.tsx';

interface DryRunSummaryProps {
  dryRun: BulkDryRun;
  clients: ClientOption[];
  adminUsername: string;
}

export function DryRunSummary({ dryRun, clients, adminUsername }: DryRunSummaryProps) {
  const labels = new Map(clients.map((client) => [client.id, client.label]));

  if (dryRun.total === 0) {
    return <p>Nothing to revoke: no active delegation matches.</p>;
  }

  return (
    <div className="dry-run">
      <p>
        Dry run: this revokes <strong>{plural(dryRun.total, 'delegation')}</strong> of{' '}
        {plural(dryRun.users.length, 'user')} in {plural(dryRun.clients.length, 'client')}. Each
        affected application asks its user to sign in again.
      </p>
      <OwnDelegationsWarning dryRun={dryRun} adminUsername={adminUsername} />
      {dryRun.notFound !== undefined && dryRun.notFound > 0 && (
        <p className="muted">
          {plural(dryRun.notFound, 'selected delegation was', 'selected delegations were')} not
          found or already revoked, so the run skips them.
        </p>
      )}
      {dryRun.note && <p className="muted">{dryRun.note}</p>}
      <div className="dry-run-lists">
        <table className="table table-compact">
          <caption>Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Delegations</th>
            </tr>
          </thead>
          <tbody>
            {dryRun.users.map((user) => (
              <tr key={user.username}>
                <td>{user.username}</td>
                <td className="number">{user.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="table table-compact">
          <caption>Clients</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Delegations</th>
            </tr>
          </thead>
          <tbody>
            {dryRun.clients.map((client) => (
              <tr key={client.clientId}>
                <td>{labels.get(client.clientId) ?? client.clientId}</td>
                <td className="number">{client.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
