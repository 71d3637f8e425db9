import type { DelegationSqlQuery } from '../store/delegations.ts';
import { CREATED, findQueryAttribute, QUERY_ATTRIBUTE_NAMES } from './attributes.ts';
import { invalidFilter, invalidValue } from './errors.ts';
import { parseFilter } from './filter-parser.ts';
import { filterToSql, statusOnly } from './filter-sql.ts';
import { parseProjection, type Projection, type ScimShape } from './resource.ts';

/**
 * Most resources one list response returns, and the page size when `count` is absent. Curity
 * calls this setting "Max Returned Search Results"; 1000 keeps one response under a megabyte.
 */
export const MAX_COUNT = 1000;

const LIST_PARAMETERS = [
  'filter',
  'attributes',
  'excludedAttributes',
  'startIndex',
  'count',
  'sortBy',
  'sortOrder',
];

export interface ListRequest {
  sql: DelegationSqlQuery;
  projection: Projection;
  startIndex: number;
}

/**
 * Translates the query parameters of `GET /Delegations` (RFC 7644 §3.4.2) into SQL. Without a
 * filter the list contains issued delegations only. With one it contains what the filter selects.
 * Throws ScimError 400 `invalidFilter` or `invalidValue` for bad parameters.
 */
export function parseListQuery(query: URLSearchParams, shape: ScimShape): ListRequest {
  const value = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1)
      throw invalidValue(`The ${name} parameter is given ${values.length} times. Give it once.`);
    return values[0];
  };
  for (const name of LIST_PARAMETERS) value(name);

  const where = buildWhere(value('filter'), shape);
  const startIndex = Math.max(1, parseInteger('startIndex', value('startIndex')) ?? 1);
  const count = Math.min(
    MAX_COUNT,
    Math.max(0, parseInteger('count', value('count')) ?? MAX_COUNT),
  );

  return {
    sql: {
      ...where,
      orderBy: buildOrderBy(value('sortBy'), value('sortOrder')),
      limit: count,
      offset: startIndex - 1,
    },
    projection: parseProjection(value('attributes'), value('excludedAttributes')),
    startIndex,
  };
}

function buildWhere(
  filter: string | undefined,
  shape: ScimShape,
): Pick<DelegationSqlQuery, 'where' | 'params' | 'countByStatus'> {
  if (filter === undefined)
    return { where: 'status = ?', params: ['issued'], countByStatus: 'issued' };
  if (shape === 'legacy') {
    throw invalidFilter(
      'Filtering is not supported. List without a filter and select the delegations yourself.',
    );
  }
  if (filter.trim() === '')
    throw invalidFilter('The filter is empty. Leave the parameter out to list issued delegations.');

  const ast = parseFilter(filter);
  const { sql, params } = filterToSql(ast);
  return { where: sql, params, countByStatus: statusOnly(ast) };
}

function buildOrderBy(sortBy: string | undefined, sortOrder: string | undefined): string {
  const attribute = sortBy === undefined ? CREATED : findQueryAttribute(sortBy);
  if (!attribute)
    throw invalidValue(`Cannot sort by "${sortBy}". Sort by ${QUERY_ATTRIBUTE_NAMES}.`);

  const order = (sortOrder ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw invalidValue(`sortOrder must be "ascending" or "descending", not "${sortOrder}".`);
  }
  const direction = order === 'ascending' ? 'ASC' : 'DESC';
  return attribute.orderBy.map((column) => `${column} ${direction}`).join(', ');
}

function parseInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[+-]?[0-9]{1,15}$/.test(value.trim())) {
    throw invalidValue(`${name} must be an integer, not "${value}".`);
  }
  return Number(value.trim());
}
