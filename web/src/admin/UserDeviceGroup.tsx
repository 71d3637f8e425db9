import type { UserDelegationGroup } from '../api/types.ts';
import { CopyableId } from '../components/CopyableId.tsx';
import { ScopeList } from '../components/ScopeList.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { TimeCell } from '../components/TimeCell.tsx';
import { deviceLabel } from '../lib/format.ts';
import { AdminRevokeButton } from './AdminRevokeButton.tsx';
import { clientLabelOf } from './userGroups.ts';

interface UserDeviceGroupProps {
  /** The groups of one device, one for each client used on it. */
  groups: UserDelegationGroup[];
  onChanged: () => void;
}

export function UserDeviceGroup({ groups, onChanged }: UserDeviceGroupProps) {
  const device = groups[0]?.device ?? null;
  const label = groups[0]?.deviceLabel ?? deviceLabel(device);

  return (
    <section className="device-group" aria-label={label}>
      <h2>
        {label}
        {device && <code className="muted"> {device.publicId}</code>}
      </h2>
      {groups.map((group) => (
        <div key={group.clientId} className="table-scroll">
          <table className="table table-wide">
            <caption>{clientLabelOf(group)}</caption>
            <thead>
              <tr>
                <th scope="col">Delegation ID</th>
                <th scope="col">SCIM ID</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Scope</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {group.items.map((delegation) => (
                <tr key={delegation.id}>
                  <td>
                    <CopyableId value={delegation.delegationId} kind="delegation ID" />
                  </td>
                  <td>
                    <CopyableId value={delegation.id} kind="SCIM ID" />
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
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
