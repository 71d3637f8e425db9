/**
 * The signed introspection response (RFC 9701): whether the tracker verified its signature, and
 * the JWT itself when the tracker sends it.
 */
export function JwtBlock({ jwt, verified }: { jwt: string | undefined; verified: boolean }) {
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
      {jwt ? (
        <pre className="code-block">{jwt}</pre>
      ) : (
        <p className="muted">
          {verified
            ? 'The tracker checked the signature against the authorization server\'s keys; the claims above come from it.'
            : 'The tracker did not report a verified signature for this response.'}
        </p>
      )}
    </section>
  );
}
