import type { FastifyRequest } from 'fastify';
import type { Session } from '../../store/types.ts';
import { TrackerErrors } from '../errors.ts';

/** Returns the request's session, or throws 401 `not_signed_in`. */
export function requireSession(request: FastifyRequest): Session {
  if (!request.session) throw TrackerErrors.notSignedIn();
  return request.session;
}

/** Returns the session of an administrator: 401 `not_signed_in` without one, 403 `not_admin` otherwise. */
export function requireAdmin(request: FastifyRequest): Session {
  const session = requireSession(request);
  if (!session.isAdmin) throw TrackerErrors.notAdmin();
  return session;
}
