import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  auditCsvHeader,
  auditCsvRecord,
  csvField,
  csvRecord,
  exportFileName,
} from '../../../src/tracker/admin/audit-export.ts';
import type { AuditEntry } from '../../../src/store/types.ts';
import { parseCsv } from './csv-parser.ts';

describe('CSV fields', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=1+2', "'=1+2"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindent', "'\tindent"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['a=b', 'a=b'],
  ];

  for (const [input, expected] of cases) {
    it(`formats ${JSON.stringify(input)}`, () => {
      assert.equal(csvField(input), expected);
    });
  }

  it('round-trips any record through a parser', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }),
        (fields) => {
          const [parsed] = parseCsv(csvRecord(fields));
          const expected = fields.map((field) =>
            /^[=+\-@\t\r]/.test(field) ? `'${field}` : field,
          );
          assert.deepEqual(parsed, expected);
        },
      ),
    );
  });
});

describe('audit CSV records', () => {
  it('lists every column in header order', () => {
    const entry: AuditEntry = {
      id: 7,
      at: new Date('2026-12-04T10:00:00.000Z'),
      actor: '=cmd|calc',
      actorIsAdmin: true,
      action: 'bulk-revoke',
      result: 'failed',
      owner: 'jane, "the" doe',
      clientId: 'www',
      delegationId: 'd-1',
      scimId: 's-1',
      correlationId: 'op-1',
      detail: 'as_error: line one\r\nline two',
    };
    const [header, record] = parseCsv(auditCsvHeader() + auditCsvRecord(entry));

    assert.deepEqual(header, [
      'id',
      'at',
      'actor',
      'actorIsAdmin',
      'action',
      'result',
      'owner',
      'clientId',
      'delegationId',
      'scimId',
      'correlationId',
      'detail',
    ]);
    assert.deepEqual(record, [
      '7',
      '2026-12-04T10:00:00.000Z',
      "'=cmd|calc",
      'true',
      'bulk-revoke',
      'failed',
      'jane, "the" doe',
      'www',
      'd-1',
      's-1',
      'op-1',
      'as_error: line one\r\nline two',
    ]);
  });

  it('leaves absent fields empty', () => {
    const entry: AuditEntry = {
      id: 1,
      at: new Date(0),
      actor: 'jane',
      actorIsAdmin: false,
      action: 'sign-in',
      result: 'succeeded',
    };
    const [record] = parseCsv(auditCsvRecord(entry));
    assert.deepEqual(record, [
      '1',
      '1970-01-01T00:00:00.000Z',
      'jane',
      'false',
      'sign-in',
      'succeeded',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  });
});

describe('export file name', () => {
  it('stamps the time in UTC', () => {
    assert.equal(
      exportFileName('csv', new Date('2026-12-04T10:11:12.345Z')),
      'audit-20261204T101112Z.csv',
    );
    assert.equal(
      exportFileName('jsonl', new Date('2026-12-04T10:11:12.345Z')),
      'audit-20261204T101112Z.jsonl',
    );
  });
});
