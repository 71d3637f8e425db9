import { createHash } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

/** Token fields the phantom JWT is built from (oidc-provider's AccessToken, ClientCredentials or RefreshToken). */
export interface IntrospectedToken {
  kind: string;
  clientId?: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  aud?: string | string[];
  iat?: number;
  exp?: number;
}

export interface PhantomToken {
  jwt: string;
  /** Seconds until the token expires: the `Cache-Control: max-age` of the response. */
  maxAgeSeconds: number;
}

/**
 * Signs Curity's phantom-token JWTs: the introspection response for `Accept: application/jwt`.
 * The key is the server's ID-token key, so gateways verify the JWT with the published JWKS.
 */
export class PhantomTokenSigner {
  readonly #issuer: string;
  readonly #kid: string;
  readonly #key: Promise<CryptoKey | Uint8Array>;

  constructor(issuer: string, signingKey: JWK & { kid: string }) {
    this.#issuer = issuer;
    this.#kid = signingKey.kid;
    this.#key = importJWK(signingKey, 'RS256');
  }

  /**
   * Returns the signed JWT for an active token. `tokenValue` only seeds the `jti`: the JWT carries
   * a hash of it, because the opaque token itself must not reach the API behind the gateway.
   */
  async sign(token: IntrospectedToken, tokenValue: string): Promise<PhantomToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = token.exp ?? now;
    const claims = {
      sub: token.accountId ?? token.clientId,
      aud: token.aud ?? token.clientId,
      client_id: token.clientId,
      scope: token.scope,
      delegationId: token.grantId,
      purpose: token.kind === 'RefreshToken' ? 'refresh_token' : 'access_token',
      jti: createHash('sha256').update(tokenValue).digest('base64url'),
      iat: token.iat ?? now,
      exp,
    };

    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.#kid, typ: 'JWT' })
      .setIssuer(this.#issuer)
      .sign(await this.#key);
    return { jwt, maxAgeSeconds: Math.max(0, exp - now) };
  }
}
