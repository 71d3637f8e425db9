import type { TrackerConfig } from '../api/types.ts';
import { ClientPicker } from './ClientPicker.tsx';

export function SignedOut({ config }: { config: TrackerConfig }) {
  return (
    <main className="signed-out">
      <div className="signed-out-card">
        <h1>Session Tracker</h1>
        <p>
          See every application and browser where you are signed in, and end any of those sessions
          from one place.
        </p>
        <ClientPicker clients={config.clients} />
      </div>
    </main>
  );
}
