import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http.ts';
import { startLogin } from '../api/tracker.ts';
import type { ClientOption } from '../api/types.ts';

interface ClientPickerProps {
  clients: ClientOption[];
  /** The client of the current session: the first other client is preselected. */
  currentClientId?: string;
}

/** Chooses the application to sign in with and starts the authorization code flow. */
export function ClientPicker({ clients, currentClientId }: ClientPickerProps) {
  const [clientId, setClientId] = useState(
    () => clients.find((client) => client.id !== currentClientId)?.id ?? clients[0]?.id ?? '',
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { authorizationUrl } = await startLogin(clientId);
      window.location.assign(authorizationUrl);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  if (clients.length === 0) {
    return (
      <p className="alert alert-error" role="alert">
        No applications are configured for sign-in. An administrator has to add clients to the
        tracker configuration.
      </p>
    );
  }

  return (
    <form className="client-picker" onSubmit={submit}>
      <label htmlFor={selectId}>Application</label>
      <select id={selectId} value={clientId} onChange={(event) => setClientId(event.target.value)}>
        {clients.map((client) => (
          <option key={client.id} value={client.id}>
            {client.label}
          </option>
        ))}
      </select>
      <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
        Sign in
      </button>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
