import type { FastifyInstance } from 'fastify';
import type { Delegation, DelegationDirectory } from '../../auth-server/types.ts';
import type { TrackerContext } from '../context.ts';
import { mayHaveMorePages } from '../services/paging.ts';
import { requireAdmin } from '../security/guards.ts';
import { presentOptionsFor } from './delegation-routes.ts';
import { checkText } from './params.ts';
import { presentDelegations, type AdminDelegationView, type DeviceView } from './present.ts';

/**
 * Most delegations one user page reads. A user with more (a script signing in in a loop) is shown
 * truncated, and bulk revocation by user still reaches all of them.
 */
export const MAX_USER_DELEGATIONS = 2000;

export const UNKNOWN_DEVICE_LABEL = 'unknown device';

export interface UserDelegationGroup {
  /** Null when the delegation carries no `user_agent_id` this tracker has seen. */
  device: DeviceView | null;
  /** "Firefox 128 on Linux", or "unknown device". */
  deviceLabel: string;
  clientId: string;
  clientLabel: string;
  items: AdminDelegationView[];
}

/** GET /api/admin/users/:username: the user's issued delegations grouped by device and client. */
export async function adminUserRoutes(
  app: FastifyInstance,
  context: TrackerContext,
): Promise<void> {
  app.get<{ Params: { username: string } }>('/api/admin/users/:username', async (request) => {
    const session = requireAdmin(request);
    const username = checkText('username', request.params.username);

    const { delegations, total } = await readIssued(
      context.directory,
      username,
      context.config.authServer.scim.pageSize,
    );
    const views = await presentDelegations(delegations, presentOptionsFor(context, session));
    return {
      username,
      total,
      truncated: delegations.length < total,
      groups: groupByDeviceAndClient(views),
    };
  });
}

async function readIssued(
  directory: DelegationDirectory,
  owner: string,
  pageSize: number,
): Promise<{ delegations: Delegation[]; total: number }> {
  const query = {
    owner,
    status: 'issued' as const,
    sortBy: 'created' as const,
    sortOrder: 'descending' as const,
  };
  const byId = new Map<string, Delegation>();
  let startIndex = 1;
  let total = 0;

  while (byId.size < MAX_USER_DELEGATIONS) {
    const count = Math.min(pageSize, MAX_USER_DELEGATIONS - byId.size);
    const page = await directory.list({ ...query, startIndex, count });
    const before = byId.size;
    for (const delegation of page.items) byId.set(delegation.id, delegation);
    total = page.totalResults;
    startIndex += page.items.length;
    // A page with nothing new would repeat forever on a server that ignores startIndex.
    if (byId.size === before || !mayHaveMorePages(page, startIndex, count)) break;
  }
  const delegations = [...byId.values()];
  return { delegations, total: Math.max(total, delegations.length) };
}

/** Groups by device (unknown devices together) and client; known devices first, then by label. */
export function groupByDeviceAndClient(
  views: readonly AdminDelegationView[],
): UserDelegationGroup[] {
  const groups = new Map<string, UserDelegationGroup>();
  for (const view of views) {
    const key = JSON.stringify([view.device?.publicId ?? null, view.clientId]);
    let group = groups.get(key);
    if (!group) {
      group = {
        device: view.device,
        deviceLabel: view.device
          ? `${view.device.browser} on ${view.device.os}`
          : UNKNOWN_DEVICE_LABEL,
        clientId: view.clientId,
        clientLabel: view.clientLabel,
        items: [],
      };
      groups.set(key, group);
    }
    group.items.push(view);
  }

  return [...groups.values()].sort(
    (a, b) =>
      Number(a.device === null) - Number(b.device === null) ||
      a.deviceLabel.localeCompare(b.deviceLabel) ||
      (a.device?.publicId ?? '').localeCompare(b.device?.publicId ?? '') ||
      a.clientLabel.localeCompare(b.clientLabel),
  );
}
