import type { UserDelegationGroup, UserDetail } from '../api/types.ts';

export interface DeviceGroups {
  /** The device's public id, or "unknown" for delegations without a known device. */
  key: string;
  groups: UserDelegationGroup[];
  delegations: number;
}

/** Collects the tracker's (device, client) groups under their device, keeping the tracker's order. */
export function groupByDevice(detail: UserDetail): DeviceGroups[] {
  const devices = new Map<string, DeviceGroups>();
  for (const group of detail.groups) {
    const key = group.device?.publicId ?? 'unknown';
    const entry = devices.get(key) ?? { key, groups: [], delegations: 0 };
    entry.groups.push(group);
    entry.delegations += group.items.length;
    devices.set(key, entry);
  }
  return [...devices.values()];
}

export function clientLabelOf(group: UserDelegationGroup): string {
  return group.clientLabel ?? group.items[0]?.clientLabel ?? group.clientId;
}
