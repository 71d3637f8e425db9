/** URN of the Delegation resource; attribute names may carry it as a prefix (RFC 7644 §3.10). */
export const DELEGATION_SCHEMA = 'urn:se:curity:scim:2.0:Delegation';

export type AttributeType = 'string' | 'epochSeconds';

/** A Delegation attribute that filters and sortBy may name, with the column that stores it. */
export interface QueryAttribute {
  /** The SCIM name in the current shape. */
  name: string;
  column: string;
  type: AttributeType;
  nullable: boolean;
  /**
   * ORDER BY columns for sortBy. Ties continue on the columns of the index that serves the sort,
   * ending with the row number, so paging is stable and needs no sort step.
   */
  orderBy: readonly string[];
}

const OWNER: QueryAttribute = {
  name: 'owner',
  column: 'owner',
  type: 'string',
  nullable: false,
  orderBy: ['owner', 'status', 'created', 'row_id'],
};
const CLIENT_ID: QueryAttribute = {
  name: 'clientId',
  column: 'client_id',
  type: 'string',
  nullable: false,
  orderBy: ['client_id', 'created', 'row_id'],
};
const STATUS: QueryAttribute = {
  name: 'status',
  column: 'status',
  type: 'string',
  nullable: false,
  orderBy: ['status', 'created', 'row_id'],
};
const EXPIRES: QueryAttribute = {
  name: 'expires',
  column: 'expires',
  type: 'epochSeconds',
  nullable: false,
  orderBy: ['expires', 'row_id'],
};
export const CREATED: QueryAttribute = {
  name: 'created',
  column: 'created',
  type: 'epochSeconds',
  nullable: false,
  orderBy: ['created', 'row_id'],
};
const EXTERNAL_ID: QueryAttribute = {
  name: 'externalId',
  column: 'id',
  type: 'string',
  nullable: false,
  orderBy: ['id'],
};
const SCOPE: QueryAttribute = {
  name: 'scope',
  column: 'scope',
  type: 'string',
  nullable: false,
  orderBy: ['scope', 'row_id'],
};
const REDIRECT_URI: QueryAttribute = {
  name: 'redirectUri',
  column: 'redirect_uri',
  type: 'string',
  nullable: true,
  orderBy: ['redirect_uri', 'row_id'],
};

/**
 * Names accepted in filters and sortBy, lower-cased because SCIM attribute names are case
 * insensitive (RFC 7643 §2.1). `userName`, `client_id` and `redirect_uri` are the aliases
 * Curity's data sources accept; `sub` and `exp` are the 2019 output names.
 */
const BY_NAME: ReadonlyMap<string, QueryAttribute> = new Map([
  ['owner', OWNER],
  ['username', OWNER],
  ['sub', OWNER],
  ['clientid', CLIENT_ID],
  ['client_id', CLIENT_ID],
  ['status', STATUS],
  ['expires', EXPIRES],
  ['exp', EXPIRES],
  ['created', CREATED],
  ['externalid', EXTERNAL_ID],
  ['scope', SCOPE],
  ['redirecturi', REDIRECT_URI],
  ['redirect_uri', REDIRECT_URI],
]);

export const QUERY_ATTRIBUTE_NAMES =
  'owner, userName, clientId, client_id, status, expires, created, externalId, scope, redirectUri';

/** Removes the Delegation schema URN from a fully qualified attribute name. */
export function stripSchema(name: string): string {
  const prefix = `${DELEGATION_SCHEMA}:`;
  return name.toLowerCase().startsWith(prefix.toLowerCase()) ? name.slice(prefix.length) : name;
}

export function findQueryAttribute(name: string): QueryAttribute | undefined {
  return BY_NAME.get(stripSchema(name).toLowerCase());
}
