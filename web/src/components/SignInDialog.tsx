import type { ClientOption } from '../api/types.ts';
import { ClientPicker } from './ClientPicker.tsx';
import { Dialog } from './Dialog.tsx';

interface SignInDialogProps {
  clients: ClientOption[];
  /** The client of the current session, which the picker does not preselect. */
  currentClientId: string;
  onClose: () => void;
}

export function SignInDialog({ clients, currentClientId, onClose }: SignInDialogProps) {
  return (
    <Dialog title="Sign in with another application" onClose={onClose}>
      <p>
        Signing in again creates one more session in this browser, with the application you choose
        here.
      </p>
      <ClientPicker clients={clients} currentClientId={currentClientId} />
    </Dialog>
  );
}
