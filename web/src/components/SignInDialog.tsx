import type { ClientOption } from '../api/types.ts';
import { ClientPicker } from './ClientPicker.tsx';
import { Dialog } from './Dialog.tsx';

export function SignInDialog({ clients, onClose }: { clients: ClientOption[]; onClose: () => void }) {
  return (
    <Dialog title="Sign in with another application" onClose={onClose}>
      <p>
        Signing in again creates one more session in this browser, with the application you choose
        here.
      </p>
      <ClientPicker clients={clients} />
    </Dialog>
  );
}
