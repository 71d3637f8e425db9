import { useState } from 'react';
import { getUserDetail } from '../api/admin.ts';
import type { TrackerConfig } from '../api/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { Link } from '../components/Link.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { ReloadErrorAlert } from '../components/ReloadErrorAlert.tsx';
import { useAutoReload } from '../hooks/useAutoReload.ts';
import { useResource } from '../hooks/useResource.ts';
import { BulkRevokeFlow, type BulkRequest } from './BulkRevokeFlow.tsx';
import { UserClientSummary } from './UserClientSummary.tsx';
import { UserDeviceGroup } from './UserDeviceGroup.tsx';
import { groupByDevice } from './userGroups.ts';

interface UserDetailPageProps {
  username: string;
  config: TrackerConfig;
  /** The signed-in administrator. */
  adminUsername: string;
}

/** Shows one user's delegations, grouped by device and then by client. */
export function UserDetailPage({ username, config, adminUsername }: UserDetailPageProps) {
  const [bulk, setBulk] = useState<BulkRequest | null>(null);
  const { data, error, reload } = useResource(`user:${username}`, (signal) =>
    getUserDetail(username, signal),
  );
  useAutoReload(reload, config.pollIntervalSeconds);

  const devices = data ? groupByDevice(data) : [];
  const listed = devices.reduce((sum, device) => sum + device.delegations, 0);
  const count = data?.total ?? listed;

  return (
    <section className="panel" aria-labelledby="user-title">
      <p className="breadcrumb">
        <Link href="/admin">← All delegations</Link>
      </p>
      <div className="toolbar">
        <h1 id="user-title">Sessions of {username}</h1>
        {data && <span className="muted">{count} in total</span>}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="danger"
          disabled={count === 0}
          onClick={() =>
            setBulk({ target: { user: username }, description: `all delegations of ${username}` })
          }
        >
          Revoke all of this user
        </button>
      </div>

      {data && error !== undefined && <ReloadErrorAlert error={error} onRetry={reload} />}
      {!data && error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {!data && error === undefined && (
        <LoadingState label={`Loading the sessions of ${username}…`} />
      )}
      {data && count === 0 && (
        <EmptyState>
          <p>{username} has no active sessions.</p>
        </EmptyState>
      )}
      {data?.truncated && (
        <p className="alert alert-error" role="status">
          Showing the newest {listed} of {count} sessions. Revoking all of this user or all in a
          client still reaches every one of them.
        </p>
      )}
      {data && count > 0 && (
        <>
          <UserClientSummary username={username} groups={data.groups} onRevoke={setBulk} />
          {devices.map((device) => (
            <UserDeviceGroup key={device.key} groups={device.groups} onChanged={reload} />
          ))}
        </>
      )}

      {bulk && (
        <BulkRevokeFlow
          request={bulk}
          clients={config.clients}
          adminUsername={adminUsername}
          onClose={() => setBulk(null)}
          onFinished={reload}
        />
      )}
    </section>
  );
}
