import type { Delegation } from '../api/types.ts';
import { ClientCell } from '../components/ClientCell.tsx';
import { CopyableId } from '../components/CopyableId.tsx';
import { DeviceCell } from '../components/DeviceCell.tsx';
import { Link } from '../components/Link.tsx';
import { ScopeList } from '../components/ScopeList.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { TimeCell } from '../components/TimeCell.tsx';
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
      <td>
        <ClientCell label={delegation.clientLabel} id={delegation.clientId} />
      </td>
      <td>
        <CopyableId value={delegation.delegationId} kind="delegation ID" />
      </td>
      <td>
        <CopyableId value={delegation.id} kind="SCIM ID" />
      </td>
      <td>
        <DeviceCell device={delegation.device} thisBrowser={delegation.thisBrowser} />
      </td>
      <td>
        <TimeCell iso={delegation.created} />
      </td>
      <td>
        <TimeCell iso={delegation.expires} relative />
      </td>
      <td>
        <StatusBadge status={delegation.status} />
      </td>
      <td>
        <ScopeList scope={delegation.scope} />
      </td>
      <td>
        <AdminRevokeButton delegation={delegation} onChanged={onChanged} />
      </td>
    </tr>
  );
}
