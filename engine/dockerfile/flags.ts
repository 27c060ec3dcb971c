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

/** Go's unicode.IsSpace for a code point below 0x100. */
function isLatin1Space(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
}

/**
 * Splits leading `--flag` words off an instruction's arguments exactly like BuildKit's
 * extractBuilderFlags: quotes inside a flag are removed, backslash escapes the next
 * character, and a lone `--` ends the flags.
 */
export function scanFlags(line: string): FlagScan {
  let pos = 0;
  while (pos < line.length && line.charCodeAt(pos) < 0x80 && isLatin1Space(line.charCodeAt(pos))) pos++;
  if (line.charCodeAt(pos) !== 0x2d || line.charCodeAt(pos + 1) !== 0x2d) return { flags: [], rest: pos < line.length ? pos : line.length };
  for (let i = pos; i < line.length; i++) {
    if (line.charCodeAt(i) >= 0x80) return scanFlagBytes(line);
  }
  const units = new Array<number>(line.length);
  for (let i = 0; i < line.length; i++) units[i] = line.charCodeAt(i);
  const scan = extractBuilderFlags(units);
  return { flags: scan.flags, rest: scan.rest };
}

/**
 * BuildKit walks the line byte by byte (`rune(line[pos])`), so a multi-byte character in a
 * flag turns into one Latin-1 character per UTF-8 byte, and a byte 0x85 or 0xA0 inside one
 * counts as a space. This replays that on the UTF-8 bytes and maps offsets back.
 */
function scanFlagBytes(line: string): FlagScan {
  const bytes: number[] = [];
  // toUnit[b]: the UTF-16 offset of the character byte b belongs to; toUnit[bytes.length] = line.length.
  const toUnit: number[] = [];
  for (let i = 0; i < line.length; i++) {
    const unit = i;
    let cp = line.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < line.length) {
      const lo = line.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    for (const b of utf8Bytes(cp)) {
      bytes.push(b);
      toUnit.push(unit);
    }
  }
  toUnit.push(line.length);
  // A byte offset inside a character maps to that character's end for ends, its start for starts.
  const startOf = (b: number): number => toUnit[b];
  const endOf = (b: number): number => (b > 0 && b < bytes.length && toUnit[b] === toUnit[b - 1] ? nextUnit(toUnit, b) : toUnit[b]);
  const scan = extractBuilderFlags(bytes);
  return {
    flags: scan.flags.map((f) => ({ text: f.text, start: startOf(f.start), end: endOf(f.end) })),
    rest: endOf(scan.rest),
  };
}

function nextUnit(toUnit: number[], b: number): number {
  let i = b;
  while (i < toUnit.length - 1 && toUnit[i] === toUnit[b - 1]) i++;
  return toUnit[i];
}

function utf8Bytes(cp: number): number[] {
  // A lone surrogate cannot come from a UTF-8 file; Go would see U+FFFD.
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/** extractBuilderFlags over code units (UTF-16 units, or UTF-8 bytes for the byte-wise replay). */
function extractBuilderFlags(line: number[]): FlagScan {
  const flags: RawFlag[] = [];
  const n = line.length;
  let pos = 0;
  for (;;) {
    while (pos < n && isLatin1Space(line[pos])) pos++;
    if (pos >= n) return { flags, rest: n };
    if (line[pos] !== 0x2d || line[pos + 1] !== 0x2d) return { flags, rest: pos };
    const start = pos;
    let word = '';
    let blankOK = false;
    let quote = 0;
    for (; pos < n; pos++) {
      const ch = line[pos];
      if (quote) {
        if (ch === quote) quote = 0;
        else if (ch === 0x5c && pos + 1 < n) word += String.fromCharCode(line[++pos]);
        else if (ch === 0x5c) quote = 0;
        else word += String.fromCharCode(ch);
        continue;
      }
      if (isLatin1Space(ch)) break;
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
      } else if (ch === 0x5c) {
        if (pos + 1 < n) word += String.fromCharCode(line[++pos]);
      } else word += String.fromCharCode(ch);
    }
    if (word === '--') {
      // `--` ends the flags; at the end of input BuildKit returns no arguments at all.
      if (pos >= n) return { flags, rest: n };
      return { flags, rest: pos };
    }
    if (blankOK || word.length > 0) flags.push({ text: word, start, end: pos });
  }
}

/** A flag word after quote removal, with the offset in the raw word each character came from. */
export interface UnquotedFlag {
  text: string;
  /** offsets[i]: offset in the raw word of text[i]; offsets[text.length]: the raw word's end. */
  offsets: number[];
}

/**
 * Replays extractBuilderFlags on one raw flag word (as written, e.g. `--mount="from=a b"`) and
 * remembers where each character of the result came from, so that a part of a flag's value
 * (a `from=` field of `--mount`) gets its exact source range. Works on UTF-16 units; where
 * BuildKit's byte-wise reading changes non-ASCII text, offsets are approximate.
 */
export function unquoteFlagWord(raw: string): UnquotedFlag {
  let text = '';
  const offsets: number[] = [];
  let quote = 0;
  for (let pos = 0; pos < raw.length; pos++) {
    const ch = raw.charCodeAt(pos);
    if (quote) {
      if (ch === quote) quote = 0;
      else if (ch === 0x5c && pos + 1 < raw.length) {
        pos++;
        text += raw[pos];
        offsets.push(pos);
      } else if (ch === 0x5c) quote = 0;
      else {
        text += raw[pos];
        offsets.push(pos);
      }
      continue;
    }
    if (ch === 0x27 || ch === 0x22) quote = ch;
    else if (ch === 0x5c) {
      if (pos + 1 < raw.length) {
        pos++;
        text += raw[pos];
        offsets.push(pos);
      }
    } else {
      text += raw[pos];
      offsets.push(pos);
    }
  }
  offsets.push(raw.length);
  return { text, offsets };
}
