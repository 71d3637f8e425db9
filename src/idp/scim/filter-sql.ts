import type { DelegationStatus } from '../store/delegations.ts';
import { findQueryAttribute, QUERY_ATTRIBUTE_NAMES, type QueryAttribute } from './attributes.ts';
import { invalidFilter } from './errors.ts';
import type { CompareOperator, FilterNode, FilterValue } from './filter-parser.ts';

/** A WHERE clause and the values bound to its `?` placeholders, in order. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * Translates a parsed filter into a WHERE clause over the `delegations` table. Column names come
 * from the attribute table and every value is a bound parameter, so no filter text ever becomes
 * SQL. String comparisons are case-exact (SQLite's binary collation), so the owner and client
 * indexes can serve them. `co`, `sw` and `ew` use GLOB with the value's wildcards escaped.
 */
export function filterToSql(node: FilterNode): SqlCondition {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const left = filterToSql(node.left);
      const right = filterToSql(node.right);
      return {
        sql: `(${left.sql} ${node.kind.toUpperCase()} ${right.sql})`,
        params: [...left.params, ...right.params],
      };
    }
    case 'not': {
      const operand = filterToSql(node.operand);
      return { sql: `NOT (${operand.sql})`, params: operand.params };
    }
    case 'present':
      return presentToSql(resolveAttribute(node.attribute));
    case 'compare':
      return compareToSql(resolveAttribute(node.attribute), node.operator, node.value);
  }
}

/** Returns the status when the whole filter is `status eq "issued"` or `status eq "revoked"`. */
export function statusOnly(node: FilterNode): DelegationStatus | undefined {
  if (node.kind !== 'compare' || node.operator !== 'eq') return undefined;
  if (findQueryAttribute(node.attribute)?.column !== 'status') return undefined;
  return node.value === 'issued' || node.value === 'revoked' ? node.value : undefined;
}

function resolveAttribute(name: string): QueryAttribute {
  const attribute = findQueryAttribute(name);
  if (!attribute) {
    throw invalidFilter(
      `Unknown attribute "${name}" in the filter. Filter on ${QUERY_ATTRIBUTE_NAMES}.`,
    );
  }
  return attribute;
}

function presentToSql(attribute: QueryAttribute): SqlCondition {
  const sql =
    attribute.type === 'string'
      ? `(${attribute.column} IS NOT NULL AND ${attribute.column} <> '')`
      : `(${attribute.column} IS NOT NULL)`;
  return { sql, params: [] };
}

function compareToSql(
  attribute: QueryAttribute,
  operator: CompareOperator,
  value: FilterValue,
): SqlCondition {
  const column = attribute.column;

  if (value === null) {
    if (operator === 'eq') return { sql: `(${column} IS NULL)`, params: [] };
    if (operator === 'ne') return { sql: `(${column} IS NOT NULL)`, params: [] };
    throw invalidFilter(
      `"${operator} null" is not a valid comparison on ${attribute.name}. Use eq null, ne null or pr.`,
    );
  }
  if (typeof value === 'boolean') {
    throw invalidFilter(
      `${attribute.name} is not a boolean attribute, so it cannot be compared with ${value}.`,
    );
  }

  const bound =
    attribute.type === 'epochSeconds'
      ? toEpochSeconds(attribute, operator, value)
      : toText(attribute, value);
  const condition = comparison(column, operator, bound);

  // A nullable column needs two-valued logic, so that NOT around a comparison with a missing
  // value is true rather than NULL.
  if (!attribute.nullable) return condition;
  return operator === 'ne'
    ? { sql: `(${column} IS NULL OR ${condition.sql})`, params: condition.params }
    : { sql: `(${column} IS NOT NULL AND ${condition.sql})`, params: condition.params };
}

function comparison(
  column: string,
  operator: CompareOperator,
  value: string | number,
): SqlCondition {
  switch (operator) {
    case 'eq':
      return { sql: `${column} = ?`, params: [value] };
    case 'ne':
      return { sql: `${column} <> ?`, params: [value] };
    case 'gt':
      return { sql: `${column} > ?`, params: [value] };
    case 'ge':
      return { sql: `${column} >= ?`, params: [value] };
    case 'lt':
      return { sql: `${column} < ?`, params: [value] };
    case 'le':
      return { sql: `${column} <= ?`, params: [value] };
    case 'co':
      return { sql: `${column} GLOB ?`, params: [`*${escapeGlob(String(value))}*`] };
    case 'sw':
      return { sql: `${column} GLOB ?`, params: [`${escapeGlob(String(value))}*`] };
    case 'ew':
      return { sql: `${column} GLOB ?`, params: [`*${escapeGlob(String(value))}`] };
  }
}

function toText(attribute: QueryAttribute, value: string | number): string {
  if (typeof value !== 'string') {
    throw invalidFilter(
      `${attribute.name} is a string attribute: quote the value (${attribute.name} eq "${value}").`,
    );
  }
  return value;
}

/** ISO 8601 date-time with seconds and an explicit offset, as SCIM's dateTime (RFC 7643 §2.3.5). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Times are stored as epoch seconds, as Curity stores them. A filter may compare them with a
 * number of seconds or with a SCIM dateTime string.
 */
function toEpochSeconds(
  attribute: QueryAttribute,
  operator: CompareOperator,
  value: string | number,
): number {
  if (operator === 'co' || operator === 'sw' || operator === 'ew') {
    throw invalidFilter(
      `"${operator}" does not apply to ${attribute.name}, a time. Use eq, ne, gt, ge, lt or le.`,
    );
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw invalidFilter(`${value} is not a valid time for ${attribute.name}.`);
    return value;
  }

  const milliseconds = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(milliseconds)) {
    throw invalidFilter(
      `"${value}" is not a valid time for ${attribute.name}. Use epoch seconds (1767225600) or a date-time such as "2026-01-01T00:00:00Z".`,
    );
  }
  return milliseconds / 1000;
}

/** Makes GLOB's wildcard characters `*`, `?` and `[` match themselves. */
function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, (char) => `[${char}]`);
}
