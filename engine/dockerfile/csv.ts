/** A field of a CSV record with its offsets [start, end) in the record text (quotes excluded). */
export interface CsvField {
  value: string;
  start: number;
  end: number;
}

/**
 * Reads one record the way Go's encoding/csv Reader.Read does with default settings (how
 * BuildKit reads `--mount` values): comma-separated, a field may be double-quoted with `""`
 * for a quote, a quote anywhere else is an error. Throws Error with Go's message.
 */
export function readCsvRecord(text: string): CsvField[] {
  if (text === '') throw new Error('EOF');
  const fields: CsvField[] = [];
  let pos = 0;
  for (;;) {
    if (text.charCodeAt(pos) === 0x22) {
      const start = pos + 1;
      let value = '';
      let i = start;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw csvError(text.length, 'extraneous or missing " in quoted-field');
        value += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push({ value, start, end: i - 1 });
      if (i >= text.length) return fields;
      if (text.charCodeAt(i) !== 0x2c) throw csvError(i, 'extraneous or missing " in quoted-field');
      pos = i + 1;
      continue;
    }
    let end = text.indexOf(',', pos);
    if (end < 0) end = text.length;
    const value = text.slice(pos, end);
    const bare = value.indexOf('"');
    if (bare >= 0) throw csvError(pos + bare, 'bare " in non-quoted-field');
    fields.push({ value, start: pos, end });
    if (end >= text.length) return fields;
    pos = end + 1;
  }
}

// encoding/csv's ParseError text; the column is 1-based (Go counts bytes, this counts UTF-16 units).
function csvError(offset: number, message: string): Error {
  return new Error(`parse error on line 1, column ${offset + 1}: ${message}`);
}
