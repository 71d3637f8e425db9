import type { Delegation, IntrospectionMode } from '../api/types.ts';
import { ClientCell } from './ClientCell.tsx';
import { CopyableId } from './CopyableId.tsx';
import { DelegationActions } from './DelegationActions.tsx';
import { DeviceCell } from './DeviceCell.tsx';
import { ScopeList } from './ScopeList.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { TimeCell } from './TimeCell.tsx';

interface DelegationRowProps {
  delegation: Delegation;
  introspectionMode: IntrospectionMode;
  onRevoking: (id: string) => void;
  onChanged: () => void;
}

export function DelegationRow({
  delegation,
  introspectionMode,
  onRevoking,
  onChanged,
}: DelegationRowProps) {
  return (
    <tr className={delegation.thisBrowser ? 'row-highlight' : undefined}>
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
        <DelegationActions
          delegation={delegation}
          introspectionMode={introspectionMode}
          onRevoking={onRevoking}
          onChanged={onChanged}
        />
      </td>
    </tr>
  );
}
