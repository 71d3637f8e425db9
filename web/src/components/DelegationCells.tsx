import type { Delegation } from '../api/types.ts';
import { ClientCell } from './ClientCell.tsx';
import { CopyableId } from './CopyableId.tsx';
import { DeviceCell } from './DeviceCell.tsx';
import { ScopeList } from './ScopeList.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { TimeCell } from './TimeCell.tsx';

export interface DelegationColumnOptions {
  /** False in a table whose caption already names the client. */
  showClient?: boolean;
  /** False in a table grouped under one device. */
  showDevice?: boolean;
}

interface DelegationCellsProps extends DelegationColumnOptions {
  delegation: Delegation;
}

/**
 * Renders the data cells that every delegation table shares, in the order of
 * `DelegationHeadCells`. The caller wraps them in a `<tr>` with its own leading
 * and trailing cells.
 */
export function DelegationCells({
  delegation,
  showClient = true,
  showDevice = true,
}: DelegationCellsProps) {
  return (
    <>
      {showClient && (
        <td>
          <ClientCell label={delegation.clientLabel} id={delegation.clientId} />
        </td>
      )}
      <td>
        <CopyableId value={delegation.delegationId} kind="delegation ID" />
      </td>
      <td>
        <CopyableId value={delegation.id} kind="SCIM ID" />
      </td>
      {showDevice && (
        <td>
          <DeviceCell device={delegation.device} thisBrowser={delegation.thisBrowser} />
        </td>
      )}
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
    </>
  );
}
