import type { Delegation } from '../api/types.ts';
import { DelegationCells } from '../components/DelegationCells.tsx';
import { Link } from '../components/Link.tsx';
import { userPath } from '../lib/router.ts';
import { AdminRevokeButton } from './AdminRevokeButton.tsx';

interface AdminDelegationRowProps {
  delegation: Delegation;
  selected: boolean;
  onToggle: (id: string) => void;
  onChanged: () => void;
}

export function AdminDelegationRow({
  delegation,
  selected,
  onToggle,
  onChanged,
}: AdminDelegationRowProps) {
  return (
    <tr className={selected ? 'row-selected' : undefined}>
      <td className="cell-check">
        <input
          type="checkbox"
          aria-label={`Select ${delegation.delegationId}`}
          checked={selected}
          onChange={() => onToggle(delegation.id)}
        />
      </td>
      <td>
        <Link href={userPath(delegation.owner)}>{delegation.owner}</Link>
      </td>
      <DelegationCells delegation={delegation} />
      <td>
        <AdminRevokeButton delegation={delegation} onChanged={onChanged} />
      </td>
    </tr>
  );
}
