import type { Config } from '../../src/config/load.ts';
import { send, sendForJson } from './http.ts';

/** The fields of a SCIM Delegation resource that the benchmark reads. */
export interface ScimDelegation {
  id: string;
  owner: string;
  status: string;
}

export interface ScimListResponse {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: ScimDelegation[];
}

/** SCIM list parameters as the tracker sends them (RFC 7644 §3.4.2). */
export type ScimListParameters = Record<string, string | number>;

interface TokenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Calls the embedded server's SCIM Delegations endpoint directly, with a client-credentials token
 * of the tracker's SCIM client: the baseline under the tracker, and the naive client.
 */
export class BareScim {
  readonly baseUrl: string;
  readonly #tokenRequest: TokenRequest;
  #token: { value: string; renewAt: number } | undefined;

  private constructor(baseUrl: string, tokenRequest: TokenRequest) {
    this.baseUrl = baseUrl;
    this.#tokenRequest = tokenRequest;
  }

  /** Prepares the client-credentials grant of the tracker's SCIM client and gets a first token. */
  static async connect(config: Config): Promise<BareScim> {
    const discovery = await sendForJson<{ token_endpoint: string }>(
      `${config.authServer.issuer}/.well-known/openid-configuration`,
    );
    const { clientId, clientSecret, scope } = config.authServer.scim;
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
    ).toString('base64');
    const scim = new BareScim(config.authServer.scim.baseUrl, {
      url: discovery.token_endpoint,
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
    await scim.#headers();
    return scim;
  }

  async list(parameters: ScimListParameters): Promise<ScimListResponse> {
    const query = new URLSearchParams(
      Object.entries(parameters).map(([name, value]) => [name, String(value)]),
    );
    return sendForJson<ScimListResponse>(`${this.baseUrl}/Delegations?${query}`, {
      headers: await this.#headers(),
    });
  }

  /** Revokes one delegation; returns the HTTP status (204 when revoked). */
  async revoke(id: string): Promise<number> {
    const url = `${this.baseUrl}/Delegations/${encodeURIComponent(id)}`;
    const response = await send(url, { method: 'DELETE', headers: await this.#headers() });
    return response.status;
  }

  /** Counts the owner's issued delegations from `totalResults` of an empty page. */
  async countIssued(owner: string): Promise<number> {
    const page = await this.list({ filter: ownerFilter(owner), count: 0 });
    return page.totalResults;
  }

  /** Returns the request headers, renewing the token a minute before it expires, as the tracker does. */
  async #headers(): Promise<Record<string, string>> {
    if (!this.#token || Date.now() >= this.#token.renewAt) {
      const { url, headers, body } = this.#tokenRequest;
      const response = await sendForJson<{ access_token: string; expires_in: number }>(url, {
        method: 'POST',
        headers,
        body,
      });
      this.#token = {
        value: response.access_token,
        renewAt: Date.now() + (response.expires_in - 60) * 1000,
      };
    }
    return { authorization: `Bearer ${this.#token.value}`, accept: 'application/scim+json' };
  }
}

/** The filter the tracker sends for one user's issued delegations. */
export function ownerFilter(owner: string): string {
  return `owner eq ${JSON.stringify(owner)} and status eq "issued"`;
}
