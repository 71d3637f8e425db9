import { useEffect } from 'react';
import { onUnauthorized } from './api/http.ts';
import { getConfig, getSession } from './api/tracker.ts';
import { AdminArea } from './admin/AdminArea.tsx';
import { Dashboard } from './components/Dashboard.tsx';
import { ErrorState } from './components/ErrorState.tsx';
import { Header } from './components/Header.tsx';
import { LoadingState } from './components/LoadingState.tsx';
import { NoticeBanner } from './components/NoticeBanner.tsx';
import { NotFound } from './components/NotFound.tsx';
import { SignedOut } from './components/SignedOut.tsx';
import { useNotice } from './hooks/useNotice.ts';
import { useResource } from './hooks/useResource.ts';
import { useRoute } from './lib/router.ts';

export function App() {
  const route = useRoute();
  const [notice, dismissNotice] = useNotice();
  const config = useResource('config', getConfig);
  const session = useResource('session', getSession);
  const reloadSession = session.reload;

  // A 401 on any call means the session ended elsewhere: read it again to show the sign-in page.
  useEffect(() => onUnauthorized(reloadSession), [reloadSession]);

  const banner = notice && <NoticeBanner notice={notice} onDismiss={dismissNotice} />;
  const failure = config.error ?? session.error;

  if (!config.data || !session.data) {
    return (
      <main className="boot">
        {banner}
        {failure !== undefined ? (
          <ErrorState
            error={failure}
            onRetry={() => {
              config.reload();
              session.reload();
            }}
          />
        ) : (
          <LoadingState />
        )}
      </main>
    );
  }

  if (!session.data.signedIn) {
    return (
      <>
        {banner}
        <SignedOut config={config.data} />
      </>
    );
  }

  return (
    <>
      <Header
        session={session.data}
        config={config.data}
        route={route}
        onSessionEnded={reloadSession}
      />
      <main className="content">
        {banner}
        {route.page === 'dashboard' && <Dashboard config={config.data} />}
        {route.page === 'not-found' && <NotFound path={route.path} />}
        {route.page !== 'dashboard' && route.page !== 'not-found' && (
          <AdminArea route={route} config={config.data} username={session.data.user.username} />
        )}
      </main>
    </>
  );
}
