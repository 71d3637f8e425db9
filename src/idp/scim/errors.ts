/** RFC 7644 §3.12 `scimType` values this endpoint returns with status 400. */
export type ScimErrorType = 'invalidFilter' | 'invalidValue' | 'invalidSyntax';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM error response (RFC 7644 §3.12): the status, an optional scimType and a detail text. */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimErrorType | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    detail: string,
    options: { scimType?: ScimErrorType; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = options.scimType;
    this.headers = options.headers ?? {};
  }

  toBody(): Record<string, unknown> {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }
}

export function invalidFilter(detail: string): ScimError {
  return new ScimError(400, detail, { scimType: 'invalidFilter' });
}

export function invalidValue(detail: string): ScimError {
  return new ScimError(400, detail, { scimType: 'invalidValue' });
}
