import type { UserDelegationGroup } from '../api/types.ts';
import { DelegationCells } from '../components/DelegationCells.tsx';
import { DelegationHeadCells } from '../components/DelegationHeadCells.tsx';
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
                <DelegationHeadCells showClient={false} showDevice={false} />
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {group.items.map((delegation) => (
                <tr key={delegation.id}>
                  <DelegationCells delegation={delegation} showClient={false} showDevice={false} />
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
