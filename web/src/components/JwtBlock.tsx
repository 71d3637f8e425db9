/**
 * Shows whether the tracker verified the signature of the JWT introspection response. The JWT is a
 * bearer token (the phantom token), so the tracker sends only its claims, never the JWT.
 */
export function JwtBlock({ verified }: { verified: boolean }) {
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
      <p className="muted">
        {verified
          ? "The tracker checked the JWT's signature against the authorization server's keys; the claims above come from it. The JWT is a bearer token, so it stays on the server."
          : 'The tracker did not report a verified signature for this response.'}
      </p>
    </section>
  );
}
