import type { Delegation, IntrospectionMode } from '../api/types.ts';
import { DelegationHeadCells } from './DelegationHeadCells.tsx';
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
            <DelegationHeadCells />
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
