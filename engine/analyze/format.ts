/** Presentation helpers shared by the CLI and the VS Code client (pure, no Node APIs). */

/** Bytes as Docker prints them: decimal units, three significant digits (`12 B`, `3.46 kB`, `120 MB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // Trailing zeros go only after a decimal point ("3.10" -> "3.1", but "500" stays).
  const text = unit === 0 ? String(value) : value.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${text} ${units[unit]}`;
}

/** Rows as aligned columns, two spaces apart and indented by two; the last column is not padded. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}
