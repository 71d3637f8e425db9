import type { AuditEntry, TrackerStore } from '../../store/types.ts';
import type { AuditFilters, ExportFormat } from './audit-query.ts';

/** Entries read from the store per query while exporting, and the most kept in memory at once. */
export const EXPORT_PAGE_SIZE = 500;

const CSV_COLUMNS = [
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
] as const satisfies readonly (keyof AuditEntry)[];

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection). Tab and
// carriage return are included because some spreadsheets strip them before checking.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Formats one CSV field: RFC 4180 section 2 quoting (fields with a comma, quote or line break are
 * quoted, quotes doubled), after prefixing an apostrophe to text a spreadsheet would run as a formula.
 */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Formats one CSV record, terminated by CRLF as RFC 4180 requires. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function auditCsvHeader(): string {
  return csvRecord(CSV_COLUMNS);
}

export function auditCsvRecord(entry: AuditEntry): string {
  return csvRecord(CSV_COLUMNS.map((column) => formatValue(entry[column])));
}

export function auditJsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

function formatValue(value: AuditEntry[keyof AuditEntry]): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Yields the export file chunk by chunk: every entry that matches `filters`, newest first, read
 * from the store one keyset page at a time.
 */
export async function* exportAuditEntries(
  store: TrackerStore,
  filters: AuditFilters,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield auditCsvHeader();

  let beforeId: number | undefined;
  for (;;) {
    const page = await store.queryAudit({
      ...filters,
      limit: EXPORT_PAGE_SIZE,
      ...(beforeId ? { beforeId } : {}),
    });
    if (page.length === 0) return;

    yield page.map(format === 'csv' ? auditCsvRecord : auditJsonLine).join('');

    if (page.length < EXPORT_PAGE_SIZE) return;
    beforeId = page[page.length - 1]!.id;
  }
}

export function exportFileName(format: ExportFormat, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `audit-${stamp}.${format}`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/jsonl; charset=utf-8',
};
