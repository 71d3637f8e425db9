import type { AuditEntry } from '../api/types.ts';
import { CopyableId } from '../components/CopyableId.tsx';
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
                {entry.delegationId !== undefined && (
                  <CopyableId value={entry.delegationId} kind="delegation ID" />
                )}
                {entry.delegationId === undefined && entry.scimId !== undefined && (
                  <CopyableId value={entry.scimId} kind="SCIM ID" />
                )}
              </td>
              <td className="detail">{entry.detail ?? ''}</td>
              <td>
                {entry.correlationId !== undefined && (
                  <CopyableId value={entry.correlationId} kind="correlation ID" />
                )}
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
