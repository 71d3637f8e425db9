/**
 * Formats rows as a plain-text table with a header, columns padded to their widest cell and
 * separated by two spaces. Control characters in cells are replaced, so data from the server
 * cannot move the cursor or rewrite the terminal.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cleanRows = rows.map((row) => row.map(printable));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cleanRows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cleanRows.map(line)].join('\n');
}

function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
