import type { Delegation } from '../../auth-server/types.ts';
import type { Device, DelegationTokens, Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { publicDeviceId } from '../security/secrets.ts';

export interface ActionState {
  allowed: boolean;
  /** The reason the action is not allowed, shown to the user. */
  reason?: string;
}

export interface DeviceView {
  publicId: string;
  browser: string;
  os: string;
}

export interface DelegationView {
  id: string;
  delegationId: string;
  clientId: string;
  clientLabel: string;
  owner: string;
  status: Delegation['status'];
  scope: string[];
  created: Date | null;
  expires: Date | null;
  device: DeviceView | null;
  thisBrowser: boolean;
  actions: { refresh: ActionState; introspect: ActionState };
}

export interface DelegationListView {
  items: DelegationView[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

export const REASONS = {
  anotherBrowser: 'Made in another browser: its tokens are not held here.',
  anotherApplication:
    'Made by an application this tracker does not sign in to, so it holds no tokens for it.',
  notHeld: 'This browser no longer holds tokens for it; sign in again to get new ones.',
  noRefreshToken: 'The server issued no refresh token for it.',
} as const;

/**
 * Lists the session user's issued delegations, one page at a time. Filtering and paging happen at
 * the server through the directory, which also copes with older SCIM shapes.
 */
export async function listOwnDelegations(
  context: TrackerContext,
  session: Session,
  page: { startIndex: number; count: number },
): Promise<DelegationListView> {
  const result = await context.directory.list({
    owner: session.username,
    status: 'issued',
    startIndex: page.startIndex,
    count: page.count,
  });
  const devices = await devicesOf(context, result.items);
  const tokens = await tokensHeldHere(context, session, result.items);
  const labels = new Map(context.relyingParty.clients().map((client) => [client.id, client.label]));
  const thisPublicId = publicDeviceId(session.deviceId, context.config.tracker.cookieSecret);

  const items = result.items.map((delegation) =>
    describeDelegation(delegation, {
      clientLabel: labels.get(delegation.clientId),
      device: delegation.userAgentId ? devices.get(delegation.userAgentId) : undefined,
      tokens: tokens.get(delegation.delegationId),
      thisBrowser: delegation.userAgentId === thisPublicId,
    }),
  );
  return {
    items,
    totalResults: result.totalResults,
    startIndex: result.startIndex,
    itemsPerPage: result.itemsPerPage,
  };
}

async function devicesOf(
  context: TrackerContext,
  delegations: Delegation[],
): Promise<Map<string, Device>> {
  const publicIds = [
    ...new Set(
      delegations.flatMap((delegation) => (delegation.userAgentId ? [delegation.userAgentId] : [])),
    ),
  ];
  if (publicIds.length === 0) return new Map();
  const devices = await context.store.getDevicesByPublicId(publicIds);
  return new Map(devices.map((device) => [device.publicId, device]));
}

/** Reads the tokens this browser holds for delegations on the page: only those, not all of the user's. */
async function tokensHeldHere(
  context: TrackerContext,
  session: Session,
  delegations: Delegation[],
): Promise<Map<string, DelegationTokens>> {
  const storedForDevice = new Set(await context.store.listTokenDelegationIds(session.deviceId));
  const onPage = delegations.filter((delegation) => storedForDevice.has(delegation.delegationId));
  const found = await Promise.all(
    onPage.map((delegation) => context.store.getTokens(delegation.delegationId)),
  );
  const tokens = new Map<string, DelegationTokens>();
  for (const entry of found) {
    if (entry && entry.deviceId === session.deviceId && entry.owner === session.username)
      tokens.set(entry.delegationId, entry);
  }
  return tokens;
}

interface Enrichment {
  clientLabel: string | undefined;
  device: Device | undefined;
  tokens: DelegationTokens | undefined;
  thisBrowser: boolean;
}

function describeDelegation(delegation: Delegation, extra: Enrichment): DelegationView {
  return {
    id: delegation.id,
    delegationId: delegation.delegationId,
    clientId: delegation.clientId,
    clientLabel: extra.clientLabel ?? delegation.clientId,
    owner: delegation.owner,
    status: delegation.status,
    scope: delegation.scope,
    created: delegation.created ?? null,
    expires: delegation.expires ?? null,
    device: extra.device
      ? { publicId: extra.device.publicId, browser: extra.device.browser, os: extra.device.os }
      : null,
    thisBrowser: extra.thisBrowser,
    actions: actionsFor(extra),
  };
}

function actionsFor(extra: Enrichment): DelegationView['actions'] {
  if (extra.tokens) {
    const refresh = extra.tokens.refreshToken
      ? { allowed: true }
      : { allowed: false, reason: REASONS.noRefreshToken };
    return { refresh, introspect: { allowed: true } };
  }

  const reason = reasonNoTokens(extra);
  return { refresh: { allowed: false, reason }, introspect: { allowed: false, reason } };
}

function reasonNoTokens(extra: Enrichment): string {
  if (extra.clientLabel === undefined) return REASONS.anotherApplication;
  if (!extra.thisBrowser) return REASONS.anotherBrowser;
  return REASONS.notHeld;
}
