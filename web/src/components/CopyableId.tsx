import { useRef } from 'react';
import { useToast } from '../hooks/useToast.ts';

interface CopyableIdProps {
  value: string;
  /** Name of the id, such as "delegation ID", for the copy button and its report. */
  kind: string;
}

/**
 * Shows an id on one line, cut with an ellipsis when it is long, with the full value in the
 * tooltip and in the text (so selecting and copying it works too), and a button that copies it.
 */
export function CopyableId({ value, kind }: CopyableIdProps) {
  const toast = useToast();
  const codeRef = useRef<HTMLElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      toast.info(`Copied the ${kind}.`);
    } catch {
      // The Clipboard API needs a secure context (HTTPS or loopback) and the page's focus.
      selectText(codeRef.current);
      toast.error(
        `Copying the ${kind} failed: this browser blocked the clipboard. The ID is selected, so press Ctrl+C (⌘C on a Mac).`,
      );
    }
  }

  return (
    <span className="copyable-id">
      <code ref={codeRef} className="id" title={value}>
        {value}
      </code>
      <button
        type="button"
        className="copy-button"
        aria-label={`Copy ${kind}`}
        title={`Copy ${kind}`}
        onClick={copy}
      >
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
          <rect
            x="5"
            y="5"
            width="9"
            height="9"
            rx="1.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          />
          <path
            d="M3 11V3.5A1.5 1.5 0 0 1 4.5 2H11"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          />
        </svg>
      </button>
    </span>
  );
}

function selectText(element: HTMLElement | null): void {
  const selection = window.getSelection();
  if (!element || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
}
