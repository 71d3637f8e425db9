import type { AuditEntryInput, Session } from '../../store/types.ts';

/** The user an action is recorded against. */
export interface Actor {
  username: string;
  isAdmin: boolean;
}

export function actorOf(session: Session): Actor {
  return { username: session.username, isAdmin: session.isAdmin };
}

/** Fills the actor fields of an audit entry. */
export function auditEntry(
  actor: Actor,
  entry: Omit<AuditEntryInput, 'actor' | 'actorIsAdmin'>,
): AuditEntryInput {
  return { actor: actor.username, actorIsAdmin: actor.isAdmin, ...entry };
}
