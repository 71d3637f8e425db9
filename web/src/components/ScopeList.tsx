export function ScopeList({ scope }: { scope: string[] }) {
  if (scope.length === 0) return <span className="muted">none</span>;
  return (
    <span className="scopes">
      {scope.map((name) => (
        <code key={name} className="scope">
          {name}
        </code>
      ))}
    </span>
  );
}
