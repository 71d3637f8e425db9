import type { Delegation } from '../../auth-server/types.ts';
import type { AuditAction, DelegationTokens, Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { TrackerErrors } from '../errors.ts';

const REVOKE_ACTIONS: ReadonlySet<AuditAction> = new Set(['revoke', 'revoke-all', 'bulk-revoke']);

/**
 * How far back in the user's audit trail a revocation is looked for. NOTE: a delegation revoked
 * before the user's latest 1000 audit entries reads as unknown (404) instead of ended.
 */
const AUDIT_LOOKBACK = 1000;

/** One of the user's delegations: still issued, or known to have been revoked. */
export type OwnDelegation = { state: 'issued'; delegation: Delegation } | { state: 'ended' };

/**
 * Finds the delegation with SCIM id `scimId` among the session user's. The server returns 404 for
 * revoked delegations as for unknown ones, so a 404 is checked against the user's own audit trail:
 * a revocation recorded there makes it `ended`. Unknown ids and other users' delegations get the
 * same 404 `delegation_not_found`, so the answer reveals nothing about other users.
 */
export async function findOwnDelegation(
  context: TrackerContext,
  session: Session,
  scimId: string,
): Promise<OwnDelegation> {
  const delegation = await context.directory.get(scimId);
  if (delegation && delegation.owner !== session.username) throw TrackerErrors.delegationNotFound();
  if (delegation && delegation.status === 'issued') return { state: 'issued', delegation };
  if (delegation || (await wasRevokedByTracker(context, session.username, scimId)))
    return { state: 'ended' };
  throw TrackerErrors.delegationNotFound();
}

/** Returns the user's issued delegation, or throws 409 `delegation_ended` or 404 `delegation_not_found`. */
export async function loadOwnDelegation(
  context: TrackerContext,
  session: Session,
  scimId: string,
): Promise<Delegation> {
  const found = await findOwnDelegation(context, session, scimId);
  if (found.state === 'ended') throw TrackerErrors.delegationEnded('revoked before this request');
  return found.delegation;
}

async function wasRevokedByTracker(
  context: TrackerContext,
  owner: string,
  scimId: string,
): Promise<boolean> {
  const entries = await context.store.queryAudit({
    owner,
    result: 'succeeded',
    limit: AUDIT_LOOKBACK,
  });
  return entries.some((entry) => entry.scimId === scimId && REVOKE_ACTIONS.has(entry.action));
}

/** Returns the tokens of `delegation` held for this session's browser, or throws 400 `no_tokens_here`. */
export async function loadTokensHere(
  context: TrackerContext,
  session: Session,
  delegation: Delegation,
): Promise<DelegationTokens> {
  const tokens = await context.store.getTokens(delegation.delegationId);
  if (!tokens || tokens.deviceId !== session.deviceId || tokens.owner !== session.username)
    throw TrackerErrors.noTokensHere();
  return tokens;
}
