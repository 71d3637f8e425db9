import type { UserDelegationGroup } from '../api/types.ts';
import { ScopeList } from '../components/ScopeList.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { TimeCell } from '../components/TimeCell.tsx';
import { deviceLabel } from '../lib/format.ts';
import { AdminRevokeButton } from './AdminRevokeButton.tsx';

interface UserDeviceGroupProps {
  /** The groups of one device, one for each client used on it. */
  groups: UserDelegationGroup[];
  onChanged: () => void;
}

export function UserDeviceGroup({ groups, onChanged }: UserDeviceGroupProps) {
  const device = groups[0]?.device ?? null;

  return (
    <section className="device-group" aria-label={deviceLabel(device)}>
      <h2>
        {deviceLabel(device)}
        {device && <code className="muted"> {device.publicId}</code>}
      </h2>
      {groups.map((group) => (
        <div key={group.clientId} className="table-scroll">
          <table className="table">
            <caption>{group.items[0]?.clientLabel ?? group.clientId}</caption>
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
                    <code className="id">{delegation.delegationId}</code>
                  </td>
                  <td>
                    <code className="id">{delegation.id}</code>
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
