import type { AutocannonRequest } from 'autocannon';

/** One signed-in browser of a load run. */
export interface LoadSession {
  cookie: string;
  csrfToken: string;
  /** SCIM id of a delegation whose tokens this browser holds, for the introspection request. */
  delegationScimId: string;
}

/** Builds the requests one browser repeats under load: the dashboard list and an introspection. */
export function loadRequests(publicUrl: string, session: LoadSession): AutocannonRequest[] {
  const headers = {
    accept: 'application/json',
    cookie: session.cookie,
    origin: new URL(publicUrl).origin,
    'x-csrf-token': session.csrfToken,
  };
  return [
    { method: 'GET', path: '/api/delegations?startIndex=1&count=50', headers },
    {
      method: 'POST',
      path: `/api/delegations/${encodeURIComponent(session.delegationScimId)}/introspect`,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'json' }),
    },
  ];
}
