import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { actorOf, auditEntry } from './audit.ts';

/** Returns the URL the server sends the browser to after its logout, handled by GET /auth/logged-out. */
export function postLogoutRedirectUri(context: TrackerContext): string {
  return `${context.config.tracker.publicUrl}/auth/logged-out`;
}

/**
 * Ends the local session first, so the user is signed out here even when the authorization server
 * cannot be reached, then builds the URL that ends the single sign-on session at the server.
 */
export async function endSession(
  context: TrackerContext,
  session: Session,
): Promise<{ logoutUrl: string }> {
  await context.store.deleteSession(session.idHash);
  await context.store.appendAudit(
    auditEntry(actorOf(session), {
      action: 'logout',
      owner: session.username,
      clientId: session.clientId,
      result: 'succeeded',
    }),
  );

  const logoutUrl = await context.relyingParty.logoutUrl({
    clientId: session.clientId,
    idTokenHint: session.idToken,
    postLogoutRedirectUri: postLogoutRedirectUri(context),
  });
  return { logoutUrl };
}
