import type { TrackerConfig } from '../api/types.ts';
import { Link } from '../components/Link.tsx';
import type { Route } from '../lib/router.ts';
import { AdminDelegationsPage } from './AdminDelegationsPage.tsx';
import { AuditPage } from './AuditPage.tsx';
import { UserDetailPage } from './UserDetailPage.tsx';

type AdminRoute = Extract<Route, { page: 'admin-delegations' | 'admin-user' | 'admin-audit' }>;

/**
 * Routes between the administrator pages. They are linked for administrators only, but anyone may
 * open the URL: the tracker responds with 403 and the page shows why.
 */
interface AdminAreaProps {
  route: AdminRoute;
  config: TrackerConfig;
  /** The signed-in administrator, whose own delegations a bulk revocation warns about. */
  username: string;
}

export function AdminArea({ route, config, username }: AdminAreaProps) {
  return (
    <div className="admin">
      <nav className="tabs" aria-label="Administration">
        <Link href="/admin" aria-current={route.page !== 'admin-audit' ? 'page' : undefined}>
          Delegations
        </Link>
        <Link href="/admin/audit" aria-current={route.page === 'admin-audit' ? 'page' : undefined}>
          Audit log
        </Link>
      </nav>
      {route.page === 'admin-delegations' && (
        <AdminDelegationsPage config={config} adminUsername={username} />
      )}
      {route.page === 'admin-user' && (
        <UserDetailPage
          key={route.username}
          username={route.username}
          config={config}
          adminUsername={username}
        />
      )}
      {route.page === 'admin-audit' && <AuditPage />}
    </div>
  );
}
