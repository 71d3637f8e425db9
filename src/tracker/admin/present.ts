import type { ClientInfo, Delegation } from '../../auth-server/types.ts';
import type { Device, TrackerStore } from '../../store/types.ts';

export interface DeviceView {
  publicId: string;
  browser: string;
  os: string;
}

/** A delegation as the administrator API returns it: the `/api/delegations` item without `actions`. */
export interface AdminDelegationView {
  id: string;
  delegationId: string;
  clientId: string;
  clientLabel: string;
  owner: string;
  status: Delegation['status'];
  scope: string[];
  created: string | null;
  expires: string | null;
  /** Null when the delegation carries no `user_agent_id` this tracker has seen. */
  device: DeviceView | null;
  /** True when the delegation was created in the browser making the request. */
  thisBrowser: boolean;
}

export interface PresentOptions {
  store: TrackerStore;
  clients: readonly ClientInfo[];
  /** Public device id of the requesting browser, to mark the delegations it created. */
  viewerPublicId: string;
}

/** Adds client labels and device descriptions, with one store lookup for the whole list. */
export async function presentDelegations(
  delegations: readonly Delegation[],
  options: PresentOptions,
): Promise<AdminDelegationView[]> {
  const devices = await devicesByPublicId(options.store, delegations);
  const labels = new Map(options.clients.map((client) => [client.id, client.label]));

  return delegations.map((delegation) => {
    const device =
      delegation.userAgentId === undefined ? undefined : devices.get(delegation.userAgentId);
    return {
      id: delegation.id,
      delegationId: delegation.delegationId,
      clientId: delegation.clientId,
      clientLabel: labels.get(delegation.clientId) ?? delegation.clientId,
      owner: delegation.owner,
      status: delegation.status,
      scope: delegation.scope,
      created: delegation.created?.toISOString() ?? null,
      expires: delegation.expires?.toISOString() ?? null,
      device: device ? { publicId: device.publicId, browser: device.browser, os: device.os } : null,
      thisBrowser: delegation.userAgentId === options.viewerPublicId,
    };
  });
}

export async function devicesByPublicId(
  store: TrackerStore,
  delegations: readonly Delegation[],
): Promise<Map<string, Device>> {
  const publicIds = [...new Set(delegations.flatMap((delegation) => delegation.userAgentId ?? []))];
  if (publicIds.length === 0) return new Map();
  const devices = await store.getDevicesByPublicId(publicIds);
  return new Map(devices.map((device) => [device.publicId, device]));
}
