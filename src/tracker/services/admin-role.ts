import type { Config } from '../../config/load.ts';

/**
 * Decides whether a signed-in user is an administrator: listed by username, or carrying the
 * configured ID token claim. A claim matches when it equals the value or is an array containing it
 * (as `groups` is).
 */
export function isAdministrator(
  admin: Config['admin'],
  username: string,
  claims: Record<string, unknown>,
): boolean {
  if (admin.usernames.includes(username)) return true;
  if (!admin.claim) return false;

  const claim = claims[admin.claim.name];
  if (Array.isArray(claim)) return claim.includes(admin.claim.value);
  return claim === admin.claim.value;
}
