import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ScimError } from '../../src/idp/scim/errors.ts';
import { parseFilter, type FilterNode } from '../../src/idp/scim/filter-parser.ts';
import { filterToSql, statusOnly } from '../../src/idp/scim/filter-sql.ts';

function compare(attribute: string, operator: string, value: unknown): FilterNode {
  return { kind: 'compare', attribute, operator, value } as FilterNode;
}

describe('SCIM filter parser', () => {
  test('and binds tighter than or', () => {
    assert.deepEqual(parseFilter('a eq "1" or b eq "2" and c eq "3"'), {
      kind: 'or',
      left: compare('a', 'eq', '1'),
      right: { kind: 'and', left: compare('b', 'eq', '2'), right: compare('c', 'eq', '3') },
    });
  });

  test('parentheses override precedence', () => {
    assert.deepEqual(parseFilter('(a eq "1" or b eq "2") and c eq "3"'), {
      kind: 'and',
      left: { kind: 'or', left: compare('a', 'eq', '1'), right: compare('b', 'eq', '2') },
      right: compare('c', 'eq', '3'),
    });
  });

  test('operators of one level group left to right', () => {
    assert.deepEqual(parseFilter('a pr or b pr or c pr'), {
      kind: 'or',
      left: {
        kind: 'or',
        left: { kind: 'present', attribute: 'a' },
        right: { kind: 'present', attribute: 'b' },
      },
      right: { kind: 'present', attribute: 'c' },
    });
  });

  test('not takes a parenthesised filter', () => {
    assert.deepEqual(parseFilter('not (a eq "1")'), {
      kind: 'not',
      operand: compare('a', 'eq', '1'),
    });
    assert.deepEqual(parseFilter('NOT(a eq "1")'), {
      kind: 'not',
      operand: compare('a', 'eq', '1'),
    });
  });

  test('keywords and operators are case insensitive', () => {
    assert.deepEqual(parseFilter('a EQ "1" AND b Pr'), {
      kind: 'and',
      left: compare('a', 'eq', '1'),
      right: { kind: 'present', attribute: 'b' },
    });
  });

  const values: Array<[string, unknown]> = [
    ['"plain"', 'plain'],
    ['"with \\"quotes\\""', 'with "quotes"'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"sl\\/ash"', 'sl/ash'],
    ['"\\u00e9t\\u00E9"', 'été'],
    ['"tab\\tnewline\\n"', 'tab\tnewline\n'],
    ['"日本 ü"', '日本 ü'],
    ['""', ''],
    ['42', 42],
    ['-1.5e3', -1500],
    ['true', true],
    ['False', false],
    ['null', null],
  ];
  for (const [literal, expected] of values) {
    test(`value ${literal}`, () => {
      assert.deepEqual(parseFilter(`a eq ${literal}`), compare('a', 'eq', expected));
    });
  }

  test('qualified attribute names stay whole', () => {
    assert.deepEqual(
      parseFilter('urn:se:curity:scim:2.0:Delegation:owner eq "x"'),
      compare('urn:se:curity:scim:2.0:Delegation:owner', 'eq', 'x'),
    );
  });

  const invalid: Array<[string, RegExp]> = [
    ['a eq', /Expected a value after "eq"/],
    ['a', /Expected an operator after a/],
    ['a xx "1"', /Unknown operator "xx"/],
    ['(a eq "1"', /Expected "\)"/],
    ['a eq "1")', /Expected the end of the filter/],
    ['a eq "1" and', /Expected an attribute name/],
    ['not a eq "1"', /Expected "\(" after "not"/],
    ['a eq "open', /Unterminated or malformed string at character 6/],
    ['a eq "bad \\x"', /malformed string/],
    ["a eq 'x'", /Unexpected character "'"/],
    ['a eq "1" # b', /Unexpected character "#"/],
    ['emails[type eq "work"]', /Complex attribute filters/],
    ['', /Expected an attribute name/],
  ];
  for (const [filter, message] of invalid) {
    test(`rejects ${JSON.stringify(filter)}`, () => {
      assert.throws(
        () => parseFilter(filter),
        (error: unknown) =>
          error instanceof ScimError &&
          error.scimType === 'invalidFilter' &&
          message.test(error.message),
      );
    });
  }

  test('rejects deep nesting', () => {
    assert.throws(
      () => parseFilter(`${'not ('.repeat(40)}a pr${')'.repeat(40)}`),
      /nests deeper than 32/,
    );
  });

  test('rejects long filters', () => {
    assert.throws(() => parseFilter(`a eq "${'x'.repeat(5000)}"`), /longer than 4096/);
  });

  test('any string survives quoting', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        const node = parseFilter(`owner eq ${JSON.stringify(value)}`);
        assert.deepEqual(node, compare('owner', 'eq', value));
      }),
    );
  });

  test('arbitrary text never throws anything but ScimError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          assert.ok(error instanceof ScimError, `unexpected ${String(error)}`);
        }
      }),
    );
  });
});

describe('SCIM filter to SQL', () => {
  test('values are bound, never inlined', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (value) => {
        const { sql, params } = filterToSql(
          parseFilter(`owner eq ${JSON.stringify(value)} or clientId co ${JSON.stringify(value)}`),
        );
        assert.equal(sql, '(owner = ? OR client_id GLOB ?)');
        assert.equal(params[0], value);
      }),
    );
  });

  test('attribute aliases map to columns', () => {
    assert.equal(filterToSql(parseFilter('userName eq "a"')).sql, 'owner = ?');
    assert.equal(filterToSql(parseFilter('client_id eq "a"')).sql, 'client_id = ?');
    assert.equal(filterToSql(parseFilter('externalId eq "a"')).sql, 'id = ?');
    assert.equal(
      filterToSql(parseFilter('REDIRECT_URI pr')).sql,
      "(redirect_uri IS NOT NULL AND redirect_uri <> '')",
    );
  });

  test('glob wildcards in values are escaped', () => {
    assert.deepEqual(filterToSql(parseFilter('owner sw "a*b?[c]"')).params, ['a[*]b[?][[]c]*']);
    assert.deepEqual(filterToSql(parseFilter('owner ew "x"')).params, ['*x']);
    assert.deepEqual(filterToSql(parseFilter('owner co "x"')).params, ['*x*']);
  });

  test('nullable column comparisons are two-valued', () => {
    assert.deepEqual(filterToSql(parseFilter('redirectUri eq "u"')), {
      sql: '(redirect_uri IS NOT NULL AND redirect_uri = ?)',
      params: ['u'],
    });
    assert.deepEqual(filterToSql(parseFilter('redirectUri ne "u"')), {
      sql: '(redirect_uri IS NULL OR redirect_uri <> ?)',
      params: ['u'],
    });
  });

  test('dates become epoch seconds', () => {
    assert.deepEqual(
      filterToSql(parseFilter('expires gt "2026-01-01T00:00:00Z"')).params,
      [1767225600],
    );
    assert.deepEqual(
      filterToSql(parseFilter('created le "2026-01-01T01:00:00+01:00"')).params,
      [1767225600],
    );
  });

  test('not wraps its operand', () => {
    assert.deepEqual(filterToSql(parseFilter('not (status eq "issued")')), {
      sql: 'NOT (status = ?)',
      params: ['issued'],
    });
  });

  test('statusOnly recognises a single status comparison', () => {
    assert.equal(statusOnly(parseFilter('status eq "issued"')), 'issued');
    assert.equal(statusOnly(parseFilter('STATUS eq "revoked"')), 'revoked');
    assert.equal(statusOnly(parseFilter('status eq "other"')), undefined);
    assert.equal(statusOnly(parseFilter('status ne "issued"')), undefined);
    assert.equal(statusOnly(parseFilter('status eq "issued" and owner pr')), undefined);
  });
});
