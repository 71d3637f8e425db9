import { useState } from 'react';
import { errorMessage } from '../api/http.ts';
import { logout } from '../api/tracker.ts';
import type { SignedInSession, TrackerConfig } from '../api/types.ts';
import { useToast } from '../hooks/useToast.ts';
import { deviceLabel } from '../lib/format.ts';
import type { Route } from '../lib/router.ts';
import { Link } from './Link.tsx';
import { RevokeAllFlow } from './RevokeAllFlow.tsx';
import { SignInDialog } from './SignInDialog.tsx';

interface HeaderProps {
  session: SignedInSession;
  config: TrackerConfig;
  route: Route;
  onSessionEnded: () => void;
}

export function Header({ session, config, route, onSessionEnded }: HeaderProps) {
  const toast = useToast();
  const [open, setOpen] = useState<'sign-in' | 'revoke-all' | null>(null);
  const [loggingOut, setLoggingOut] = useState(false);
  const inAdmin = route.page.startsWith('admin');
  const { username, name } = session.user;

  async function logOut() {
    setLoggingOut(true);
    try {
      const { logoutUrl } = await logout();
      window.location.assign(logoutUrl);
    } catch (error) {
      toast.error(`Log out failed: ${errorMessage(error)}`);
      setLoggingOut(false);
    }
  }

  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Session Tracker
      </Link>
      <nav className="main-nav" aria-label="Main">
        <Link href="/" aria-current={route.page === 'dashboard' ? 'page' : undefined}>
          My sessions
        </Link>
        {session.isAdmin && (
          <Link href="/admin" aria-current={inAdmin ? 'page' : undefined}>
            Admin
          </Link>
        )}
      </nav>

      <div className="who">
        <span>
          Signed in as <strong>{name ?? username}</strong>
          {name && name !== username && <span className="muted"> ({username})</span>}
        </span>
        <span className="muted">This browser: {deviceLabel(session.device)}</span>
      </div>

      <div className="header-actions">
        <button type="button" onClick={() => setOpen('sign-in')}>
          Sign in with another application
        </button>
        <button type="button" onClick={logOut} disabled={loggingOut} aria-busy={loggingOut}>
          Log out
        </button>
        <button type="button" className="danger" onClick={() => setOpen('revoke-all')}>
          Revoke all and log out
        </button>
      </div>

      {open === 'sign-in' && (
        <SignInDialog
          clients={config.clients}
          currentClientId={session.clientId}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'revoke-all' && (
        <RevokeAllFlow
          clients={config.clients}
          onClose={() => setOpen(null)}
          onSessionEnded={onSessionEnded}
        />
      )}
    </header>
  );
}
