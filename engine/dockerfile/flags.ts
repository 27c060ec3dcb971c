/** A flag word found before an instruction's arguments; offsets are into the scanned text. */
export interface RawFlag {
  /** The word with quotes and backslashes removed, e.g. `--mount=type=cache,target=/x`. */
  text: string;
  start: number;
  end: number;
}

export interface FlagScan {
  flags: RawFlag[];
  /** Offset of the first argument after the flags (text.length when none). */
  rest: number;
}

const isSpace = (c: string): boolean => /\s/.test(c);

/**
 * Splits leading `--flag` words off an instruction's arguments exactly like BuildKit's
 * extractBuilderFlags: quotes inside a flag are removed, backslash escapes the next
 * character, and a lone `--` ends the flags.
 */
export function scanFlags(line: string): FlagScan {
  const flags: RawFlag[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isSpace(line[pos])) pos++;
    if (pos >= line.length) return { flags, rest: line.length };
    if (line[pos] !== '-' || line[pos + 1] !== '-') return { flags, rest: pos };
    const start = pos;
    let word = '';
    let blankOK = false;
    let quote = '';
    for (; pos < line.length; pos++) {
      const ch = line[pos];
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === '\\' && pos + 1 < line.length) word += line[++pos];
        else if (ch === '\\') quote = '';
        else word += ch;
        continue;
      }
      if (isSpace(ch)) break;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
      } else if (ch === '\\') {
        if (pos + 1 < line.length) word += line[++pos];
      } else word += ch;
    }
    if (word === '--') {
      // `--` ends the flags; at the end of input BuildKit returns no arguments at all.
      while (pos < line.length && isSpace(line[pos])) pos++;
      return { flags, rest: pos };
    }
    if (blankOK || word.length > 0) flags.push({ text: word, start, end: pos });
  }
}
