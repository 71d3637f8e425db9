import type { AuditEntry } from '../api/types.ts';
import { TimeCell } from '../components/TimeCell.tsx';

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-scroll">
      <table className="table table-wide">
        <caption className="visually-hidden">Audit log entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Result</th>
            <th scope="col">Owner</th>
            <th scope="col">Client</th>
            <th scope="col">Delegation ID</th>
            <th scope="col">Detail</th>
            <th scope="col">Correlation ID</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <TimeCell iso={entry.at} withSeconds />
              </td>
              <td>
                {entry.actor}
                {entry.actorIsAdmin && <span className="badge badge-info">admin</span>}
              </td>
              <td className="nowrap">{entry.action}</td>
              <td>
                <span className={`badge badge-${RESULT_BADGE[entry.result]}`}>{entry.result}</span>
              </td>
              <td>{entry.owner ?? ''}</td>
              <td>{entry.clientId ?? ''}</td>
              <td>
                <code className="id" title={entry.scimId ? `SCIM ID ${entry.scimId}` : undefined}>
                  {entry.delegationId ?? entry.scimId ?? ''}
                </code>
              </td>
              <td className="detail">{entry.detail ?? ''}</td>
              <td>
                <code className="id">{entry.correlationId ?? ''}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const RESULT_BADGE: Record<AuditEntry['result'], string> = {
  started: 'muted',
  succeeded: 'ok',
  failed: 'error',
};
