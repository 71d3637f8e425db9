interface PagerProps {
  /** 1-based index of the first item shown, as in SCIM. */
  startIndex: number;
  shown: number;
  total: number;
  pageSize: number;
  onChange: (startIndex: number) => void;
}

export function Pager({ startIndex, shown, total, pageSize, onChange }: PagerProps) {
  const first = shown === 0 ? 0 : startIndex;
  const last = shown === 0 ? 0 : startIndex + shown - 1;

  return (
    <nav className="pager" aria-label="Pages">
      <span className="pager-status">
        Showing {first}–{last} of {total}
      </span>
      <button
        type="button"
        disabled={startIndex <= 1}
        onClick={() => onChange(Math.max(1, startIndex - pageSize))}
      >
        Previous
      </button>
      <button
        type="button"
        disabled={last >= total}
        onClick={() => onChange(startIndex + pageSize)}
      >
        Next
      </button>
    </nav>
  );
}
