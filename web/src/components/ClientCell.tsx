export function ClientCell({ label, id }: { label: string; id: string }) {
  return (
    <span className="client">
      <span>{label}</span>
      {label !== id && <code className="muted">{id}</code>}
    </span>
  );
}
