import type { ClientOption, RevokeStreamEnd } from '../api/types.ts';
import { plural } from '../lib/format.ts';
import { CopyableId } from './CopyableId.tsx';

interface RevocationReportProps {
  end: RevokeStreamEnd;
  clients: ClientOption[];
}

/** Shows the outcome of a streamed revocation, with one row for each delegation that failed. */
export function RevocationReport({ end, clients }: RevocationReportProps) {
  const labels = new Map(clients.map((client) => [client.id, client.label]));
  const failedCount = end.failedCount ?? end.failed.length;
  const showOwner = end.failed.some((failure) => failure.owner !== undefined);

  return (
    <div className="report">
      <p>
        Revoked {end.revoked}, already revoked {end.alreadyRevoked}, failed {failedCount}.
      </p>
      {failedCount > end.failed.length && (
        <p className="muted">
          The table lists the first {end.failed.length}; running the same target again retries all
          of them.
        </p>
      )}
      {end.failed.length > 0 && (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption>{plural(failedCount, 'delegation')} could not be revoked</caption>
            <thead>
              <tr>
                {showOwner && <th scope="col">User</th>}
                <th scope="col">Client</th>
                <th scope="col">Delegation ID</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {end.failed.map((failure) => (
                <tr key={failure.id}>
                  {showOwner && <td>{failure.owner ?? ''}</td>}
                  <td>{labels.get(failure.clientId) ?? failure.clientId}</td>
                  <td>
                    <CopyableId value={failure.delegationId} kind="delegation ID" />
                  </td>
                  <td>{failure.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
