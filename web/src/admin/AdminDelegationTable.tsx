import type { Delegation } from '../api/types.ts';
import { DelegationHeadCells } from '../components/DelegationHeadCells.tsx';
import { AdminDelegationRow } from './AdminDelegationRow.tsx';

interface AdminDelegationTableProps {
  items: Delegation[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onTogglePage: (select: boolean) => void;
  onChanged: () => void;
}

export function AdminDelegationTable({
  items,
  selected,
  onToggle,
  onTogglePage,
  onChanged,
}: AdminDelegationTableProps) {
  const allSelected = items.length > 0 && items.every((item) => selected.has(item.id));

  return (
    <div className="table-scroll">
      <table className="table table-wide">
        <caption className="visually-hidden">Delegations of all users</caption>
        <thead>
          <tr>
            <th scope="col" className="cell-check">
              <input
                type="checkbox"
                aria-label="Select all on this page"
                checked={allSelected}
                onChange={() => onTogglePage(!allSelected)}
              />
            </th>
            <th scope="col">User</th>
            <DelegationHeadCells />
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((delegation) => (
            <AdminDelegationRow
              key={delegation.id}
              delegation={delegation}
              selected={selected.has(delegation.id)}
              onToggle={onToggle}
              onChanged={onChanged}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
