/** The signed introspection response (RFC 9701) and whether its signature checked out. */
export function JwtBlock({ jwt, verified }: { jwt: string; verified: boolean }) {
  return (
    <section className="jwt" aria-label="Signed introspection response">
      <h3>
        Signed response{' '}
        {verified ? (
          <span className="badge badge-ok">✓ verified</span>
        ) : (
          <span className="badge badge-warn">not verified</span>
        )}
      </h3>
      <pre className="code-block">{jwt}</pre>
    </section>
  );
}
