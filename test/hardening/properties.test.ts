import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ScimError } from '../../src/idp/scim/errors.ts';
import {
  parseFilter,
  type CompareOperator,
  type FilterNode,
} from '../../src/idp/scim/filter-parser.ts';
import { filterToSql } from '../../src/idp/scim/filter-sql.ts';
import { openDatabase, type SqliteDatabase } from '../../src/idp/store/database.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { parseAuditExportQuery, parseAuditPageQuery } from '../../src/tracker/admin/audit-query.ts';
import { parseBulkTarget } from '../../src/tracker/admin/bulk-target.ts';
import {
  MAX_PAGE_SIZE,
  parseAdminDelegationQuery,
} from '../../src/tracker/admin/delegation-query.ts';
import type { RawQuery } from '../../src/tracker/admin/params.ts';
import { startStack, type Stack, type TestBrowser } from '../helpers/stack.ts';
import { ADMIN, JANE, signInAs } from '../tracker/accounts.ts';

/** Characters that are special in SCIM filters, JSON strings, SQL GLOB patterns or URLs. */
const SPECIAL = [
  'a',
  'b',
  'A',
  ' ',
  '"',
  "'",
  '\\',
  '*',
  '?',
  '[',
  ']',
  '%',
  '_',
  '&',
  '+',
  '/',
  'é',
  '日',
  '(',
  ')',
];

/** Text from the special characters, without NUL and lone surrogates, which SQLite stores differently. */
const text = (minLength = 0, maxLength = 8) =>
  fc.string({ unit: fc.constantFrom(...SPECIAL), minLength, maxLength });

const STRING_ATTRIBUTES = ['owner', 'clientId', 'status'] as const;
const STRING_OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew'];

/** Random filters over the string attributes, nested at most a few levels. */
const filterTree: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      {
        kind: fc.constant('compare' as const),
        attribute: fc.constantFrom(...STRING_ATTRIBUTES),
        operator: fc.constantFrom(...STRING_OPERATORS),
        value: text(),
      },
      { noNullPrototype: true },
    ),
    fc.record(
      {
        kind: fc.constantFrom('and' as const, 'or' as const),
        left: tie('node'),
        right: tie('node'),
      },
      { noNullPrototype: true },
    ),
    fc.record(
      { kind: fc.constant('not' as const), operand: tie('node') },
      { noNullPrototype: true },
    ),
  ),
})).node;

/** Writes a filter tree as SCIM filter text, with parentheses around every operand. */
function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${node.attribute} ${node.operator} ${JSON.stringify(node.value)}`;
    case 'present':
      return `${node.attribute} pr`;
    case 'not':
      return `not (${printFilter(node.operand)})`;
    default:
      return `(${printFilter(node.left)}) ${node.kind} (${printFilter(node.right)})`;
  }
}

/** Evaluates a filter on one row directly, independently of the SQL translation. */
function matches(node: FilterNode, row: Record<string, string>): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, row) && matches(node.right, row);
    case 'or':
      return matches(node.left, row) || matches(node.right, row);
    case 'not':
      return !matches(node.operand, row);
    case 'present':
      return row[node.attribute] !== '';
    case 'compare': {
      const actual = row[node.attribute]!;
      const value = String(node.value);
      const operations: Partial<Record<CompareOperator, boolean>> = {
        eq: actual === value,
        ne: actual !== value,
        co: actual.includes(value),
        sw: actual.startsWith(value),
        ew: actual.endsWith(value),
      };
      return operations[node.operator]!;
    }
  }
}

/** Replaces every string value with `x`, keeping the filter's shape. */
function withPlaceholderValues(node: FilterNode): FilterNode {
  switch (node.kind) {
    case 'compare':
      return { ...node, value: typeof node.value === 'string' ? 'x' : node.value };
    case 'not':
      return { ...node, operand: withPlaceholderValues(node.operand) };
    case 'and':
    case 'or':
      return {
        ...node,
        left: withPlaceholderValues(node.left),
        right: withPlaceholderValues(node.right),
      };
    default:
      return node;
  }
}

describe('embedded server filter properties', () => {
  let folder: string;
  let db: SqliteDatabase;
  const rows: Record<string, string>[] = [];

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'session-tracker-filter-'));
    db = openDatabase(folder);
    const insert = db.prepare(
      'INSERT INTO delegations (id, owner, client_id, status, created, expires, last_modified) VALUES (?, ?, ?, ?, 0, 0, 0)',
    );
    const sample = fc.sample(
      fc.record({
        owner: text(0, 6),
        clientId: text(0, 4),
        status: fc.constantFrom('issued', 'revoked'),
      }),
      {
        numRuns: 200,
        seed: 7,
      },
    );
    sample.forEach((row, index) => {
      insert.run(`row-${index}`, row.owner, row.clientId, row.status);
      rows.push({ id: `row-${index}`, ...row });
    });
  });

  after(() => {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('printed filter trees parse back', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        assert.deepEqual(parseFilter(printFilter(tree)), tree);
      }),
      { numRuns: 500 },
    );
  });

  test('SQL text depends on the shape only', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        assert.equal(filterToSql(tree).sql, filterToSql(withPlaceholderValues(tree)).sql);
      }),
      { numRuns: 500 },
    );
  });

  test('SQL selects what the filter means', () => {
    const select = (sql: string, params: unknown[]) =>
      (
        db.prepare(`SELECT id FROM delegations WHERE ${sql} ORDER BY row_id`).all(...params) as {
          id: string;
        }[]
      ).map((row) => row.id);

    fc.assert(
      fc.property(filterTree, (tree) => {
        const { sql, params } = filterToSql(parseFilter(printFilter(tree)));
        const expected = rows.filter((row) => matches(tree, row)).map((row) => row.id);
        assert.deepEqual(select(sql, params), expected);
      }),
      { numRuns: 300 },
    );
  });

  test('mangled filters fail as ScimError only', () => {
    const mangled = fc
      .tuple(
        filterTree,
        fc.nat(),
        fc.constantFrom('', '"', '(', ')', '\\', ' and', 'not', '[', 'pr', '1e999', '\u0000'),
      )
      .map(([tree, position, insert]) => {
        const printed = printFilter(tree);
        const at = position % (printed.length + 1);
        return printed.slice(0, at) + insert + printed.slice(at);
      });
    fc.assert(
      fc.property(mangled, (filter) => {
        try {
          filterToSql(parseFilter(filter));
        } catch (error) {
          assert.ok(error instanceof ScimError, `${filter}: ${String(error)}`);
          assert.equal(error.status, 400);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Query strings as Fastify hands them over: a name maps to a string, or to a list when repeated. */
function rawQuery(names: readonly string[]): fc.Arbitrary<RawQuery> {
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '1',
      '0',
      '-1',
      '500',
      '501',
      '2026-02-29',
      '2024-02-29',
      '2026-12-04T10:00:00Z',
      'issued',
      'csv',
      'created',
      'descending',
    ),
    fc.integer({ min: -5, max: 100_000 }).map(String),
  );
  const name = fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 8 }));
  return fc.dictionary(name, fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), {
    maxKeys: 5,
  });
}

/** Runs `parse` and checks it either returns or raises a 400 `invalid_request` naming a parameter. */
function checkParser<T>(parse: () => T, query: RawQuery | unknown): T | undefined {
  try {
    return parse();
  } catch (error) {
    assert.ok(isAppError(error), `${JSON.stringify(query)}: ${String(error)}`);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.status, 400);
    assert.match(error.message, /parameter|target/i);
    return undefined;
  }
}

describe('tracker query validation properties', () => {
  const DELEGATION_PARAMETERS = [
    'user',
    'userPrefix',
    'client',
    'status',
    'expiresBefore',
    'expiresAfter',
    'sortBy',
    'sortOrder',
    'startIndex',
    'count',
  ];
  const AUDIT_PARAMETERS = [
    'actor',
    'owner',
    'action',
    'result',
    'since',
    'until',
    'beforeId',
    'limit',
    'format',
  ];

  test('admin delegation queries', () => {
    fc.assert(
      fc.property(rawQuery(DELEGATION_PARAMETERS), (query) => {
        const parsed = checkParser(() => parseAdminDelegationQuery(query), query);
        if (!parsed) return;
        assert.ok(Number.isSafeInteger(parsed.startIndex));
        assert.ok(parsed.startIndex >= 1);
        assert.ok(parsed.count >= 1);
        assert.ok(parsed.count <= MAX_PAGE_SIZE);
        assert.ok(
          !(parsed.owner !== undefined && parsed.ownerPrefix !== undefined),
          'user and userPrefix exclude each other',
        );
        if (parsed.expiresBefore && parsed.expiresAfter)
          assert.ok(parsed.expiresAfter < parsed.expiresBefore);
        for (const name of Object.keys(query))
          assert.ok(DELEGATION_PARAMETERS.includes(name), `unknown ${name} accepted`);
      }),
      { numRuns: 2000 },
    );
  });

  test('audit page and export queries', () => {
    fc.assert(
      fc.property(rawQuery(AUDIT_PARAMETERS), (query) => {
        const page = checkParser(() => parseAuditPageQuery(query), query);
        if (page) {
          assert.ok(page.limit >= 1);
          assert.ok(page.limit <= 500);
          if (page.since && page.until) assert.ok(page.since < page.until);
        }
        const exported = checkParser(() => parseAuditExportQuery(query), query);
        if (exported) assert.ok(['csv', 'jsonl'].includes(exported.format));
      }),
      { numRuns: 2000 },
    );
  });

  test('bulk revocation targets', () => {
    const target = fc.oneof(
      fc.anything(),
      fc.record({ user: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] }),
      fc.record({ client: fc.string(), user: fc.string() }, { requiredKeys: [] }),
      fc.record({ ids: fc.oneof(fc.array(fc.string(), { maxLength: 5 }), fc.anything()) }),
    );
    fc.assert(
      fc.property(target, (value) => {
        const parsed = checkParser(() => parseBulkTarget(value), value);
        if (!parsed) return;
        if (parsed.kind === 'ids') {
          assert.ok(parsed.ids.length >= 1);
          assert.equal(new Set(parsed.ids).size, parsed.ids.length);
        } else {
          assert.ok(parsed.owner !== undefined || parsed.clientId !== undefined);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('query properties over HTTP', () => {
  let stack: Stack;
  let jane: TestBrowser;
  let admin: TestBrowser;
  /** Owner names with the characters that break naive filter quoting, each with delegations. */
  const oddOwners = [
    'o"brien',
    'back\\slash',
    'quote"and\\back',
    'star*?[x]',
    'éмїлі 日本',
    'a b',
    "o'neil",
  ];

  before(async () => {
    stack = await startStack();
    for (const [index, username] of oddOwners.entries()) {
      await seedDelegations(stack.config.idp, {
        users: 0,
        delegations: 0,
        owner: { username, count: index + 1 },
      });
    }
    jane = await signInAs(stack, JANE, 'www');
    admin = await signInAs(stack, ADMIN, 'www');
  });

  after(async () => {
    await stack.close();
  });

  const queryString = fc
    .dictionary(
      fc.oneof(
        fc.constantFrom(
          'startIndex',
          'count',
          'user',
          'userPrefix',
          'client',
          'sortBy',
          'status',
          'limit',
        ),
        fc.string({ maxLength: 5 }),
      ),
      fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: -3, max: 1_000_000 }).map(String)),
      { maxKeys: 4 },
    )
    .map((entries) => new URLSearchParams(entries).toString());

  test('random queries get 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        queryString,
        fc.constantFrom('/api/delegations', '/api/admin/delegations', '/api/admin/audit'),
        async (query, path) => {
          const browser = path.startsWith('/api/admin') ? admin : jane;
          const response = await browser.api('GET', `${path}?${query}`);
          const body = await response.text();
          assert.ok(
            [200, 400].includes(response.status),
            `${path}?${query}: ${response.status} ${body}`,
          );
          if (response.status === 400) assert.equal(JSON.parse(body).error.code, 'invalid_request');
        },
      ),
      { numRuns: 150 },
    );
  });

  test('SCIM client finds exactly the owner asked for', async () => {
    const directory = stack.tracker.context.directory;
    const owner = fc.oneof(
      fc.constantFrom(...oddOwners),
      fc.constantFrom('janedoe', 'admin'),
      text(1, 8),
    );
    await fc.assert(
      fc.asyncProperty(owner, async (name) => {
        const page = await directory.list({ owner: name, count: 100 });
        for (const item of page.items) assert.equal(item.owner, name);
        const expected = oddOwners.includes(name) ? oddOwners.indexOf(name) + 1 : undefined;
        if (expected !== undefined) assert.equal(page.totalResults, expected, name);
      }),
      { numRuns: 150 },
    );
  });

  test('SCIM client prefixes match literally', async () => {
    const directory = stack.tracker.context.directory;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(text(1, 4), fc.constantFrom('o"', 'back\\', 'star*', 'star*?[', 'é', 'a ')),
        async (prefix) => {
          const page = await directory.list({ ownerPrefix: prefix, count: 200 });
          for (const item of page.items)
            assert.ok(
              item.owner.startsWith(prefix),
              `${JSON.stringify(prefix)} listed ${item.owner}`,
            );
          const expected = oddOwners.filter((name) => name.startsWith(prefix));
          for (const name of expected)
            assert.ok(
              page.items.some((item) => item.owner === name),
              `${JSON.stringify(prefix)} misses ${name}`,
            );
        },
      ),
      { numRuns: 150 },
    );
  });
});
