import type { IntrospectionMode } from '../../auth-server/types.ts';
import { isAppError } from '../../shared/errors.ts';
import type { Delegation } from '../../auth-server/types.ts';
import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { TrackerErrors } from '../errors.ts';
import { actorOf, auditEntry } from './audit.ts';
import { loadOwnDelegation, loadTokensHere } from './ownership.ts';
import { withTokenLock } from './token-lock.ts';

export interface RefreshOutcome {
  delegationId: string;
  accessTokenExpiresAt: Date | null;
  refreshTokenRotated: boolean;
}

/**
 * Refreshes the tokens of one of the user's delegations held in this browser. The work runs under
 * a store lock per delegation, so two refreshes never send the same refresh token: with rotation
 * the second would fail, and Curity revokes the whole delegation when a public client replays one.
 */
export async function refreshDelegation(
  context: TrackerContext,
  session: Session,
  scimId: string,
): Promise<RefreshOutcome> {
  const delegation = await loadOwnDelegation(context, session, scimId);
  await loadTokensHere(context, session, delegation);

  return withTokenLock(context.store, delegation.delegationId, () =>
    refreshHoldingLock(context, session, delegation),
  );
}

async function refreshHoldingLock(
  context: TrackerContext,
  session: Session,
  delegation: Delegation,
): Promise<RefreshOutcome> {
  const tokens = await loadTokensHere(context, session, delegation);
  if (!tokens.refreshToken) throw TrackerErrors.noRefreshToken();
  const audit = (result: 'succeeded' | 'failed', detail?: string) =>
    context.store.appendAudit(
      auditEntry(actorOf(session), {
        action: 'refresh',
        delegationId: delegation.delegationId,
        scimId: delegation.id,
        owner: delegation.owner,
        clientId: delegation.clientId,
        result,
        detail,
      }),
    );

  let fresh;
  try {
    fresh = await context.relyingParty.refresh(tokens.clientId, tokens.refreshToken);
  } catch (error) {
    const code = isAppError(error) ? error.code : 'unexpected';
    await audit('failed', code);
    // The relying party reports `invalid_grant` as 409 delegation_ended: the tokens are dead.
    if (isAppError(error) && error.code === 'delegation_ended')
      await context.store.deleteTokens(delegation.delegationId);
    throw error;
  }

  const refreshToken = fresh.refreshToken ?? tokens.refreshToken;
  await context.store.saveTokens({
    ...tokens,
    accessToken: fresh.accessToken,
    refreshToken,
    accessTokenExpiresAt: fresh.expiresAt,
    updatedAt: new Date(),
  });
  await audit('succeeded');
  await context.store.publish({
    type: 'delegation-refreshed',
    owner: delegation.owner,
    delegationId: delegation.delegationId,
  });

  return {
    delegationId: delegation.delegationId,
    accessTokenExpiresAt: fresh.expiresAt ?? null,
    refreshTokenRotated: refreshToken !== tokens.refreshToken,
  };
}

export type IntrospectionView =
  | {
      active: true;
      mode: IntrospectionMode;
      claims: Record<string, unknown>;
      verified?: true;
      maxAgeSeconds?: number;
    }
  | { active: false; mode: IntrospectionMode };

/**
 * Introspects the access token of one of the user's delegations held in this browser. In `jwt`
 * mode the phantom token is verified by the relying party and only its claims are returned: the JWT
 * itself is a bearer token, and tokens never leave the server.
 */
export async function introspectDelegation(
  context: TrackerContext,
  session: Session,
  scimId: string,
  requestedMode: IntrospectionMode | undefined,
): Promise<IntrospectionView> {
  const delegation = await loadOwnDelegation(context, session, scimId);
  const tokens = await loadTokensHere(context, session, delegation);
  const mode = requestedMode ?? context.config.authServer.introspection.mode;

  const result = await context.relyingParty.introspect(tokens.accessToken, mode);
  await context.store.appendAudit(
    auditEntry(actorOf(session), {
      action: 'introspect',
      delegationId: delegation.delegationId,
      scimId: delegation.id,
      owner: delegation.owner,
      clientId: delegation.clientId,
      result: 'succeeded',
      detail: `${mode}: ${result.active ? 'active' : 'inactive'}`,
    }),
  );

  if (!result.active) return { active: false, mode: result.mode };
  const view: IntrospectionView = { active: true, mode: result.mode, claims: result.claims };
  if (result.jwt !== undefined) view.verified = true;
  if (result.maxAgeSeconds !== undefined) view.maxAgeSeconds = result.maxAgeSeconds;
  return view;
}
