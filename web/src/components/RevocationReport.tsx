import type { ClientOption, RevokeStreamEnd } from '../api/types.ts';
import { plural } from '../lib/format.ts';

interface RevocationReportProps {
  end: RevokeStreamEnd;
  clients: ClientOption[];
}

/** The outcome of a streamed revocation, with one row for each delegation that failed. */
export function RevocationReport({ end, clients }: RevocationReportProps) {
  const labels = new Map(clients.map((client) => [client.id, client.label]));

  return (
    <div className="report">
      <p>
        Revoked {end.revoked}, already revoked {end.alreadyRevoked}, failed {end.failed.length}.
      </p>
      {end.failed.length > 0 && (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption>{plural(end.failed.length, 'delegation')} could not be revoked</caption>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Delegation ID</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {end.failed.map((failure) => (
                <tr key={failure.id}>
                  <td>{labels.get(failure.clientId) ?? failure.clientId}</td>
                  <td>
                    <code className="id">{failure.delegationId}</code>
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
