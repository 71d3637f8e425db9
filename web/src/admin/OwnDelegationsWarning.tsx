import type { BulkDryRun } from '../api/types.ts';
import { plural } from '../lib/format.ts';

interface OwnDelegationsWarningProps {
  dryRun: BulkDryRun;
  adminUsername: string;
}

/**
 * Warns the administrator that a bulk revocation includes their own delegations, which signs
 * them out of those applications. Shows nothing when the dry run lists no delegation of theirs
 * and leaves out no user.
 */
export function OwnDelegationsWarning({ dryRun, adminUsername }: OwnDelegationsWarningProps) {
  const own = dryRun.users.find((user) => user.username === adminUsername);

  if (own) {
    return (
      <p className="alert alert-warn" role="alert">
        This includes {plural(own.count, 'delegation')} of your own ({adminUsername}), so you will
        be signed out of {own.count === 1 ? 'that application' : 'those applications'}.
      </p>
    );
  }
  if (dryRun.truncated) {
    return (
      <p className="alert alert-warn" role="alert">
        The list of users leaves some out, so this may include delegations of your own (
        {adminUsername}) too. You would be signed out of those applications.
      </p>
    );
  }
  return null;
}
