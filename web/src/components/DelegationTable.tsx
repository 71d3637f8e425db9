import type { Delegation, IntrospectionMode } from '../api/types.ts';
import { DelegationRow } from './DelegationRow.tsx';

interface DelegationTableProps {
  items: Delegation[];
  introspectionMode: IntrospectionMode;
  /** Called with the SCIM id before this tab revokes a delegation. */
  onRevoking: (id: string) => void;
  onChanged: () => void;
}

export function DelegationTable({
  items,
  introspectionMode,
  onRevoking,
  onChanged,
}: DelegationTableProps) {
  return (
    <div className="table-scroll">
      <table className="table table-wide">
        <caption className="visually-hidden">Your sessions</caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Delegation ID</th>
            <th scope="col">SCIM ID</th>
            <th scope="col">Device</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            <th scope="col">Scope</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((delegation) => (
            <DelegationRow
              key={delegation.id}
              delegation={delegation}
              introspectionMode={introspectionMode}
              onRevoking={onRevoking}
              onChanged={onChanged}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
