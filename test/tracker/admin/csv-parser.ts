/**
 * Parses CSV text as RFC 4180 section 2 defines it: CRLF-terminated records, fields optionally in
 * double quotes, quotes inside quoted fields doubled. Throws on text that breaks the grammar, so a
 * test reading an export back fails on malformed output.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let index = 0;

  while (index < text.length) {
    let field = '';
    if (text[index] === '"') {
      index += 1;
      for (;;) {
        if (index >= text.length) throw new Error('CSV: a quoted field is not closed.');
        if (text[index] === '"' && text[index + 1] === '"') {
          field += '"';
          index += 2;
        } else if (text[index] === '"') {
          index += 1;
          break;
        } else {
          field += text[index];
          index += 1;
        }
      }
    } else {
      while (index < text.length && text[index] !== ',' && text[index] !== '\r') {
        if (text[index] === '"' || text[index] === '\n')
          throw new Error(
            `CSV: unquoted field contains ${JSON.stringify(text[index])} at ${index}.`,
          );
        field += text[index];
        index += 1;
      }
    }
    record.push(field);

    if (text[index] === ',') {
      index += 1;
    } else if (text.startsWith('\r\n', index)) {
      records.push(record);
      record = [];
      index += 2;
    } else {
      throw new Error(
        `CSV: expected a comma or CRLF at ${index}, found ${JSON.stringify(text[index] ?? 'end of text')}.`,
      );
    }
  }
  if (record.length > 0) throw new Error('CSV: the last record has no CRLF.');
  return records;
}
